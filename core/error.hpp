#pragma once

// Terrier's exception hierarchy. Every error carries enough context (file,
// line, field, URL without password) to be shown to a user as one line.

#include <stdexcept>
#include <string>

namespace terrier {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Configuration or command-line values that cannot work.
class ConfigError : public Error {
 public:
  using Error::Error;
};

// The database is unreachable, refused a statement, or is in a state Terrier
// will not touch (for example migrations that differ from sql/).
class DbError : public Error {
 public:
  using Error::Error;
};

// The embedded PostgreSQL cluster could not be created, started or stopped.
class ClusterError : public Error {
 public:
  using Error::Error;
};

// An input file cannot be read as a whole.
class ImportError : public Error {
 public:
  using Error::Error;
};

// A coordinate reference system or transformation failed.
class ProjectionError : public Error {
 public:
  using Error::Error;
};

// A geometry could not be built, read or repaired.
class GeometryError : public Error {
 public:
  using Error::Error;
};

// Removes the password from a libpq URI or key/value string so that it can
// appear in messages and logs.
std::string redact_database_url(const std::string& url);

// Why a file could not be opened, read or written, in French for the
// people who brought it (errno; strerror's text for a rarer cause).
std::string file_error(int errno_value);

// First line of a (possibly multi-line) message, trimmed; libpq and
// PostgreSQL messages often end with a newline or carry a DETAIL line.
std::string first_line(const std::string& message);

}  // namespace terrier
