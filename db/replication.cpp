#include "db/replication.hpp"

#include <fmt/core.h>

#include <charconv>
#include <pqxx/pqxx>

namespace terrier::db {

ReplicaState read_replica_state(pqxx::connection_base& conn) {
  pqxx::nontransaction n(conn);
  // Receive and replay positions first: on a caught-up standby of an idle
  // primary, now() - pg_last_xact_replay_timestamp() grows for nothing.
  auto r = n.exec1(
      "SELECT pg_is_in_recovery(), "
      "  EXISTS (SELECT 1 FROM pg_stat_wal_receiver WHERE status = 'streaming'), "
      "  COALESCE(pg_last_wal_replay_lsn(), '0/0')::text, "
      "  COALESCE(pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn(), false), "
      "  COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())::float8, 0)");
  ReplicaState s;
  s.in_recovery = r[0].as<bool>();
  s.streaming = r[1].as<bool>();
  s.replay_lsn = parse_lsn(r[2].as<std::string>()).value_or(0);
  bool caught_up = r[3].as<bool>();
  s.lag_s = !s.in_recovery || (s.streaming && caught_up) ? 0 : r[4].as<double>();
  return s;
}

std::uint64_t current_wal_lsn(pqxx::connection_base& conn) {
  pqxx::nontransaction n(conn);
  return parse_lsn(n.exec1("SELECT pg_current_wal_lsn()::text")[0].as<std::string>()).value_or(0);
}

void remember_read_position(pqxx::connection_base& conn, const std::string& credential,
                            std::uint64_t lsn, int max_age_s) {
  pqxx::work w(conn);
  w.exec_params("DELETE FROM read_positions WHERE written_at < now() - make_interval(secs => $1)",
                max_age_s);
  w.exec_params(
      "INSERT INTO read_positions (credential, lsn) VALUES ($1, $2::pg_lsn) "
      "ON CONFLICT (credential) DO UPDATE SET lsn = GREATEST(read_positions.lsn, EXCLUDED.lsn), "
      "written_at = now()",
      credential, format_lsn(lsn));
  w.commit();
}

std::uint64_t remembered_read_position(pqxx::connection_base& conn, const std::string& credential,
                                       int max_age_s) {
  pqxx::nontransaction n(conn);
  auto r = n.exec_params(
      "SELECT lsn::text FROM read_positions WHERE credential = $1 "
      "AND written_at >= now() - make_interval(secs => $2)",
      credential, max_age_s);
  return r.empty() ? 0 : parse_lsn(r[0][0].as<std::string>()).value_or(0);
}

std::optional<std::uint64_t> parse_lsn(const std::string& text) {
  auto slash = text.find('/');
  if (slash == std::string::npos || slash == 0 || slash > 8 || text.size() - slash - 1 == 0 ||
      text.size() - slash - 1 > 8) {
    return std::nullopt;
  }
  std::uint32_t hi = 0, lo = 0;
  const char* begin = text.data();
  auto [e1, c1] = std::from_chars(begin, begin + slash, hi, 16);
  auto [e2, c2] = std::from_chars(begin + slash + 1, begin + text.size(), lo, 16);
  if (c1 != std::errc() || e1 != begin + slash || c2 != std::errc() || e2 != begin + text.size()) {
    return std::nullopt;
  }
  return (static_cast<std::uint64_t>(hi) << 32) | lo;
}

std::string format_lsn(std::uint64_t lsn) {
  return fmt::format("{:X}/{:X}", lsn >> 32, lsn & 0xffffffffu);
}

}  // namespace terrier::db
