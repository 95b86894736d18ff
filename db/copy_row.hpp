#pragma once

// A COPY row whose width is known only at run time (a staging table's):
// pqxx 6.4's stream_to writes tuple-like rows only. Internal to db/.

#include <pqxx/stream_to>
#include <vector>

namespace terrier::db {

// Null pointers are NULLs. Throws DbError beyond 40 columns.
void copy_row(pqxx::stream_to& s, const std::vector<const char*>& row);

}  // namespace terrier::db
