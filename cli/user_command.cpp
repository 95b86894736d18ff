#include "cli/user_command.hpp"

#include <fmt/core.h>
#include <pwd.h>
#include <unistd.h>

#include <cstdlib>

#include "cli/command.hpp"
#include "core/error.hpp"
#include "db/connection.hpp"
#include "db/migrations.hpp"
#include "db/user_store.hpp"

namespace terrier::cli {
namespace {

// Who ran the command, for audit_log.
std::string actor() {
  if (const char* u = std::getenv("USER"); u && *u) return std::string("cli:") + u;
  if (const passwd* pw = getpwuid(getuid())) return std::string("cli:") + pw->pw_name;
  return "cli:" + std::to_string(getuid());
}

std::unique_ptr<pqxx::connection> open(const Settings& settings) {
  auto conn = db::connect(database_url(settings));
  db::require_current_schema(*conn, db::load_migrations(settings.sql_dir));
  return conn;
}

db::User user_or_fail(pqxx::connection_base& conn, const std::string& email) {
  auto user = db::find_user_by_email(conn, email);
  if (!user) throw ConfigError(fmt::format("no account has the address '{}'", email));
  return *user;
}

void print_path(const db::Invited& invited) {
  fmt::print(
      "Valid 7 days, usable once: the person opens this path on the server "
      "(for instance http://127.0.0.1:8080/invitation.html#token=…) and chooses a password:\n");
  fmt::print("{}\n", invited.path);
}

int set_disabled(const Settings& settings, const UserArgs& args, bool disabled) {
  auto conn = open(settings);
  auto user = user_or_fail(*conn, args.email);
  db::UserChange change;
  change.disabled = disabled;
  db::change_user(*conn, user.id, change, actor());
  fmt::print("{} {}\n", user.email,
             disabled ? "disabled: its sessions and tokens stopped" : "enabled");
  return 0;
}

}  // namespace

int user_invite(const Settings& settings, const UserArgs& args) {
  auto role = parse_role(args.role);
  if (!role || !is_account_role(*role)) {
    throw ConfigError(
        fmt::format("unknown role '{}' (member, foundation, animator or admin)", args.role));
  }
  auto conn = open(settings);
  db::NewUser user{args.email, args.name, *role, args.circle};
  auto invited = db::invite_user(*conn, user, actor());
  fmt::print("account {} invited: {} ({}{})\n", invited.user_id, args.email, role_name(*role),
             args.circle ? ", " + *args.circle : "");
  print_path(invited);
  return 0;
}

int user_list(const Settings& settings, const UserArgs&) {
  auto conn = open(settings);
  auto users = db::list_users(*conn);
  fmt::print("{:>4}  {:<32} {:<24} {:<10} {:<18} {:<10} {}\n", "id", "email", "name", "role",
             "circle", "status", "last sign-in");
  for (const auto& u : users) {
    fmt::print("{:>4}  {:<32} {:<24} {:<10} {:<18} {:<10} {}\n", u.id, u.email, u.name,
               role_name(u.role), u.circle.value_or("-"), db::account_status_value(u.status),
               u.last_sign_in.value_or("-"));
  }
  fmt::print("{} account{}\n", users.size(), users.size() == 1 ? "" : "s");
  return 0;
}

int user_disable(const Settings& settings, const UserArgs& args) {
  return set_disabled(settings, args, true);
}

int user_enable(const Settings& settings, const UserArgs& args) {
  return set_disabled(settings, args, false);
}

int user_reset(const Settings& settings, const UserArgs& args) {
  auto conn = open(settings);
  auto user = user_or_fail(*conn, args.email);
  auto invited = db::reset_user(*conn, user.id, actor());
  fmt::print("{}: password forgotten, sessions ended, personal tokens revoked; a new invitation:\n",
             user.email);
  print_path(invited);
  return 0;
}

namespace {

const Registration kUser{
    Order::user, [](CLI::App& app, Command& chosen) {
      static UserArgs args;
      auto* user =
          app.add_subcommand("user", "People's accounts: invite, list, disable, enable, reset");
      user->require_subcommand(1);
      auto choose = [&chosen](int (*fn)(const Settings&, const UserArgs&)) {
        return [&chosen, fn] { chosen = [fn](const Settings& s) { return fn(s, args); }; };
      };
      auto* invite =
          user->add_subcommand("invite", "Create an account; prints its invitation path");
      invite->add_option("email", args.email, "The person's e-mail address")->required();
      invite->add_option("--role", args.role, "member, foundation, animator or admin")->required();
      invite->add_option("--circle", args.circle, "The circle (slug): required for animators");
      invite->add_option("--name", args.name, "The person's name");
      invite->callback(choose(user_invite));
      user->add_subcommand("list", "List the accounts")->callback(choose(user_list));
      struct Subcommand {
        const char* name;
        const char* help;
        int (*fn)(const Settings&, const UserArgs&);
      };
      for (const auto& c :
           {Subcommand{"disable", "Disable an account: its sessions and tokens stop at once",
                       user_disable},
            Subcommand{"enable", "Enable a disabled account again", user_enable},
            Subcommand{"reset",
                       "Forget the password, end the sessions, revoke the personal tokens; "
                       "prints a new invitation path",
                       user_reset}}) {
        auto* sub = user->add_subcommand(c.name, c.help);
        sub->add_option("email", args.email, "The account's e-mail address")->required();
        sub->callback(choose(c.fn));
      }
    }};

}  // namespace

}  // namespace terrier::cli
