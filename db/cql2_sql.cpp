#include "db/cql2_sql.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <utility>

namespace terrier::db::cql2 {
namespace {

using feature_sql::Property;
using feature_sql::Sql;
using feature_sql::Where;

// What an operand is, for the checks of types.
enum class Type { text, number, boolean, date, list, json, geometry };

const char* french(Type t) {
  switch (t) {
    case Type::text:
      return "texte";
    case Type::number:
      return "nombre";
    case Type::boolean:
      return "booléen";
    case Type::date:
      return "date";
    case Type::list:
      return "liste";
    case Type::json:
      return "objet";
    case Type::geometry:
      return "géométrie";
  }
  return "";
}

Type type_of(ValueType t) {
  switch (t) {
    case ValueType::string:
      return Type::text;
    case ValueType::number:
    case ValueType::integer:
      return Type::number;
    case ValueType::boolean:
      return Type::boolean;
    case ValueType::date:
      return Type::date;
    case ValueType::text_array:
      return Type::list;
    case ValueType::json:
      return Type::json;
  }
  return Type::text;
}

struct Operand {
  std::string sql;
  Type type = Type::text;
  std::string shown;  // the property's name or the value as written, for refusals
};

const Property* find_property(const Sql& s, const std::string& name) {
  auto it = std::find_if(s.properties.begin(), s.properties.end(),
                         [&](const Property& p) { return p.name == name; });
  return it == s.properties.end() ? nullptr : &*it;
}

std::string at(const Node& n) {
  return n.position ? fmt::format(" (position {})", n.position) : std::string();
}

class Translator {
 public:
  Translator(const Sql& s, Where& w) : s_(s), w_(w) {}

  std::string condition(const Node& n) {
    switch (n.kind) {
      case NodeKind::logical_and:
      case NodeKind::logical_or: {
        // One after the other: the parameters are numbered in the text's order.
        std::string left = condition(n.args.at(0));
        std::string right = condition(n.args.at(1));
        return "(" + left + (n.kind == NodeKind::logical_and ? " AND " : " OR ") + right + ")";
      }
      case NodeKind::logical_not:
        return "(NOT " + condition(n.args.at(0)) + ")";
      case NodeKind::comparison:
        return comparison(n);
      case NodeKind::like: {
        Operand a = text_operand(n.args.at(0), "LIKE");
        Operand b = text_operand(n.args.at(1), "LIKE");
        return "(" + a.sql + " LIKE " + b.sql + ")";
      }
      case NodeKind::in:
        return in(n);
      case NodeKind::between: {
        Operand a = ordered(n.args.at(0), "BETWEEN");
        Operand low = operand(n.args.at(1)), high = operand(n.args.at(2));
        comparable(a, low, n);
        comparable(a, high, n);
        return "(" + a.sql + " BETWEEN " + low.sql + " AND " + high.sql + ")";
      }
      case NodeKind::is_null:
        return "(" + operand(n.args.at(0)).sql + " IS NULL)";
      case NodeKind::s_intersects: {
        Operand a = operand(n.args.at(0)), b = operand(n.args.at(1));
        for (const auto* g : {&a, &b}) {
          if (g->type != Type::geometry) {
            throw Untranslatable(
                fmt::format("S_INTERSECTS compare des géométries : {} est un(e) {}{}", g->shown,
                            french(g->type), at(n)));
          }
        }
        return "ST_Intersects(" + a.sql + ", " + b.sql + ")";
      }
      default: {
        Operand o = operand(n);
        if (o.type != Type::boolean) {
          throw Untranslatable(fmt::format("{} n'est pas une condition (un(e) {}){}", o.shown,
                                           french(o.type), at(n)));
        }
        return o.sql;
      }
    }
  }

 private:
  Operand operand(const Node& n) {
    switch (n.kind) {
      case NodeKind::property:
        return property(n.text);
      case NodeKind::string_literal:
        return {w_.param(n.text) + "::text", Type::text, "'" + clip(n.text, 40) + "'"};
      case NodeKind::number_literal:
        return {w_.param(n.text) + "::numeric", Type::number, n.text};
      case NodeKind::boolean_literal:
        return {n.text == "true" ? "TRUE" : "FALSE", Type::boolean, n.text};
      case NodeKind::date_literal:
        return {w_.param(n.text) + "::date", Type::date, "DATE('" + n.text + "')"};
      case NodeKind::timestamp_literal:
        return {w_.param(n.text) + "::timestamptz", Type::date, "TIMESTAMP('" + n.text + "')"};
      case NodeKind::geometry_literal:
        // Made valid once (an uncorrelated subquery), so that GEOS never
        // meets a self-intersecting ring row after row.
        return {"(SELECT ST_MakeValid(ST_GeomFromText(" + w_.param(n.text) + "::text, 4326)))",
                Type::geometry, n.text.substr(0, n.text.find('('))};
      case NodeKind::casei:
      case NodeKind::accenti: {
        const char* name = n.kind == NodeKind::casei ? "CASEI" : "ACCENTI";
        Operand inner = text_operand(n.args.at(0), name);
        inner.sql = n.kind == NodeKind::casei
                        ? "lower(" + inner.sql + ")"
                        : "public.unaccent('public.unaccent'::regdictionary, " + inner.sql + ")";
        inner.shown = fmt::format("{}({})", name, inner.shown);
        return inner;
      }
      default:
        throw Untranslatable("une condition est écrite là où une valeur est attendue" + at(n));
    }
  }

  Operand property(const std::string& name) {
    if (name == "geometry") return {s_.geom, Type::geometry, name};
    const Property* p = find_property(s_, name);
    if (!p) throw Untranslatable(unknown_property(name));
    Type t = type_of(feature_sql::value_type(*p));
    // Text as text: a vocabulary's column is a domain, and a value outside
    // it must match nothing rather than fail the cast.
    std::string sql = t == Type::text ? "(" + p->expr + ")::text" : "(" + p->expr + ")";
    return {sql, t, name};
  }

  Operand text_operand(const Node& n, const char* where) {
    Operand o = operand(n);
    if (o.type != Type::text) {
      throw Untranslatable(fmt::format("{} prend du texte : {} est un(e) {}{}", where, o.shown,
                                       french(o.type), at(n)));
    }
    return o;
  }

  Operand ordered(const Node& n, const char* where) {
    Operand o = operand(n);
    if (o.type != Type::text && o.type != Type::number && o.type != Type::date) {
      throw Untranslatable(fmt::format("{} : {} est un(e) {}, qui ne s'ordonne pas{}", where,
                                       o.shown, french(o.type), at(n)));
    }
    return o;
  }

  // Whether a and b compare: the same type, lists, objects and geometries
  // excluded.
  static void comparable(const Operand& a, const Operand& b, const Node& n) {
    for (const auto* o : {&a, &b}) {
      if (o->type == Type::list || o->type == Type::json || o->type == Type::geometry) {
        throw Untranslatable(
            fmt::format("{} est un(e) {} : il ne se compare pas (IS NULL "
                        "seulement){}",
                        o->shown, french(o->type), at(n)));
      }
    }
    if (a.type != b.type) {
      throw Untranslatable(fmt::format("{} est un(e) {} et ne se compare pas à {}, un(e) {}{}",
                                       a.shown, french(a.type), b.shown, french(b.type), at(n)));
    }
  }

  std::string comparison(const Node& n) {
    static constexpr std::string_view kOperators[] = {"=", "<>", "<", "<=", ">", ">="};
    if (std::find(std::begin(kOperators), std::end(kOperators), n.text) == std::end(kOperators)) {
      throw Untranslatable(fmt::format("opérateur inconnu « {} »{}", n.text, at(n)));
    }
    Operand a = operand(n.args.at(0)), b = operand(n.args.at(1));
    comparable(a, b, n);
    if (a.type == Type::boolean && n.text != "=" && n.text != "<>") {
      throw Untranslatable(
          fmt::format("{} est un booléen : seuls = et <> le comparent{}", a.shown, at(n)));
    }
    return "(" + a.sql + " " + n.text + " " + b.sql + ")";
  }

  std::string in(const Node& n) {
    Operand a = operand(n.args.at(0));
    std::string list;
    for (std::size_t i = 1; i < n.args.size(); ++i) {
      Operand v = operand(n.args[i]);
      comparable(a, v, n);
      list += (i > 1 ? ", " : "") + v.sql;
    }
    return "(" + a.sql + " IN (" + list + "))";
  }

  const Sql& s_;
  Where& w_;
};

}  // namespace

std::string unknown_property(const std::string& name) {
  return "propriété inconnue ou non lisible : " + clip(name, 80);
}

std::string condition(const Node& filter, const Sql& s, Where& w) {
  return Translator(s, w).condition(filter);
}

std::string sort_order(const std::vector<SortKey>& keys, const Sql& s) {
  std::string out;
  for (const auto& k : keys) {
    const Property* p = find_property(s, k.property);
    if (!p) throw Untranslatable(unknown_property(k.property));
    Type t = type_of(feature_sql::value_type(*p));
    if (t == Type::list || t == Type::json) {
      throw Untranslatable(
          fmt::format("{} est un(e) {} : il ne sert pas à trier", k.property, french(t)));
    }
    out += "(" + p->expr + ")" + (k.descending ? " DESC" : " ASC") + " NULLS LAST, ";
  }
  return out + s.id;
}

}  // namespace terrier::db::cql2
