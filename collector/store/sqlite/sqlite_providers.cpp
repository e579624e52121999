// The SQLite store's provider usage: days replaced whole with the cursor in
// one transaction on the writer, and the rows, covered days and cursors read
// on the reader connection.
#include "collector/store/provider_sql.hpp"
#include "collector/store/sqlite/sqlite_store_internal.hpp"

namespace codepulse::collector::sqlite_store {
namespace {

Status bind_row(sql::Statement& st, const ProviderUsageRow& r) {
  st.bind(1, provider_of(r.source))
      .bind(2, source_name(r.source))
      .bind(3, r.day)
      .bind(4, r.model)
      .bind(5, r.workspace)
      .bind(6, r.api_key)
      .bind(7, r.line_item)
      .bind(8, r.uncached_input)
      .bind(9, r.cache_write_5m)
      .bind(10, r.cache_write_1h)
      .bind(11, r.cache_read)
      .bind(12, r.output)
      .bind(13, r.web_search)
      .bind(14, r.requests)
      .bind(15, r.cost_nanos);
  return st.run();
}

}  // namespace

Status SqliteStore::replace_provider_days(const std::vector<ProviderDay>& days,
                                          const std::optional<ProviderCursor>& cursor,
                                          const std::string& origin, int64_t at_ms) {
  for (const ProviderDay& d : days)
    if (auto s = check_provider_day(d); !s) return s;
  if (auto s = heal(); !s) return s;
  std::lock_guard lock(mu_);
  auto txn = sql::Transaction::begin(db_);
  if (!txn) return txn.error();
  auto claim = db_.prepare(provider_sql::kClaimDay);
  auto remove = db_.prepare(provider_sql::kDeleteDay);
  auto insert = db_.prepare(provider_sql::kInsertRow);
  if (!claim) return claim.error();
  if (!remove) return remove.error();
  if (!insert) return insert.error();
  for (const ProviderDay& d : days) {
    const int64_t rows = static_cast<int64_t>(d.rows.size());
    auto s = claim->bind(1, provider_of(d.source))
                 .bind(2, source_name(d.source))
                 .bind(3, d.day)
                 .bind(4, at_ms)
                 .bind(5, origin)
                 .bind(6, rows)
                 .run();
    claim->reset();
    if (s)
      s = remove->bind(1, provider_of(d.source))
              .bind(2, source_name(d.source))
              .bind(3, d.day)
              .run();
    remove->reset();
    for (const ProviderUsageRow& r : d.rows) {
      if (!s) break;
      s = bind_row(*insert, r);
      insert->reset();
    }
    if (!s) return s;
  }
  if (cursor) {
    auto st = db_.prepare(provider_sql::kUpsertCursor);
    if (!st) return st.error();
    auto s = st->bind(1, provider_of(cursor->source))
                 .bind(2, source_name(cursor->source))
                 .bind(3, cursor->next_day)
                 .bind(4, cursor->updated_ms)
                 .run();
    if (!s) return s;
  }
  return txn->commit();
}

template <class T>
Result<std::vector<T>> SqliteStore::reader_rows(const char* sql, const std::string& first,
                                                const std::string& second,
                                                Result<T> (*read)(const RowView&)) {
  if (auto s = heal(); !s) return s.error();
  std::lock_guard lock(reader_mu_);
  std::vector<T> out;
  Status failed;
  auto s = each_row(
      reader_, sql, [&](sql::Statement& st) { st.bind(1, first).bind(2, second); },
      rows_into(out, read, failed));
  if (!s) return s.error();
  if (!failed) return failed.error();
  return out;
}

Result<std::vector<ProviderUsageRow>> SqliteStore::load_provider_rows(
    const std::string& since_day, const std::string& until_day) {
  auto rows = reader_rows(provider_sql::kSelectRows, since_day, until_day, read_provider_row);
  if (rows) sort_provider_rows(*rows);
  return rows;
}

Result<std::vector<ProviderDayInfo>> SqliteStore::load_provider_days(const std::string& since_day,
                                                                     const std::string& until_day) {
  return reader_rows(provider_sql::kSelectDays, since_day, until_day, read_provider_day);
}

Result<std::optional<ProviderCursor>> SqliteStore::provider_cursor(ProviderSource source) {
  auto rows = reader_rows(provider_sql::kSelectCursor, provider_of(source), source_name(source),
                          read_provider_cursor);
  if (!rows) return rows.error();
  return first_cursor(*rows);
}

}  // namespace codepulse::collector::sqlite_store
