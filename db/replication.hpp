#pragma once

// Streaming replication as the servers see it: how far a standby has
// replayed and how late it is, and the primary's WAL position after a write
// (read-your-writes compares the two).

#include <cstdint>
#include <optional>
#include <pqxx/connection>
#include <string>

namespace terrier::db {

// A standby's state as `terrier db replica status`, /healthz and the read
// routing tell it.
struct ReplicaState {
  bool in_recovery = false;  // false: promoted, or not a standby at all
  bool streaming = false;    // its WAL receiver is connected to a primary
  // Seconds behind the primary: 0 when streaming and everything received is
  // replayed (an idle primary sends nothing, however old its last
  // transaction); otherwise the age of the last replayed transaction.
  double lag_s = 0;
  std::uint64_t replay_lsn = 0;  // pg_last_wal_replay_lsn()
};

ReplicaState read_replica_state(pqxx::connection_base& conn);

// pg_current_wal_lsn() of a primary.
std::uint64_t current_wal_lsn(pqxx::connection_base& conn);

// The primary's position after the last write made with a bearer token
// (read_positions, keyed by a hash of it), for read-your-writes without a
// cookie; positions older than `max_age_s` are dropped or ignored (0).
void remember_read_position(pqxx::connection_base& conn, const std::string& credential,
                            std::uint64_t lsn, int max_age_s);
std::uint64_t remembered_read_position(pqxx::connection_base& conn, const std::string& credential,
                                       int max_age_s);

// "16/B374D848" <-> its 64-bit position; nullopt when the text is not one.
std::optional<std::uint64_t> parse_lsn(const std::string& text);
std::string format_lsn(std::uint64_t lsn);

}  // namespace terrier::db
