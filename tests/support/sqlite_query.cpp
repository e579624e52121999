// Read-only queries of another program's SQLite database (sqlite_query.hpp).
#include "tests/support/sqlite_query.hpp"

#include <stdexcept>

#include "common/sqlite.hpp"

namespace codepulse::test {

std::vector<std::vector<std::string>> query_read_only(const std::string& path,
                                                      const std::string& sql) {
  sqlite3* raw = nullptr;
  const int opened = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr);
  const std::unique_ptr<sqlite3, FnDeleter<sqlite3_close_v2>> db(raw);
  if (opened != SQLITE_OK)
    throw std::runtime_error("cannot open " + path + ": " + sqlite3_errmsg(raw));
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(raw, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK)
    throw std::runtime_error(sql + ": " + sqlite3_errmsg(raw));
  sql::Statement statement(stmt, raw);
  std::vector<std::vector<std::string>> rows;
  for (;;) {
    const auto more = statement.step();
    if (!more) throw std::runtime_error(sql + ": " + more.error().message);
    if (!*more) break;
    std::vector<std::string>& row = rows.emplace_back();
    for (int i = 0; i < sqlite3_column_count(stmt); ++i)
      row.emplace_back(statement.is_null(i) ? std::string_view() : statement.text(i));
  }
  return rows;
}

}  // namespace codepulse::test
