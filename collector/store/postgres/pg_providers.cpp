// The PostgreSQL store's provider usage: days replaced whole with the cursor
// in one transaction on the writer (each day claimed first, so two imports
// of one day wait for each other), and the rows, covered days and cursors
// read on pooled connections.
#include "collector/store/postgres/pg_store_internal.hpp"
#include "collector/store/provider_sql.hpp"

namespace codepulse::collector::pg_store {
namespace {

pg::Params row_params(const ProviderUsageRow& r) {
  pg::Params p;
  p.add(provider_of(r.source))
      .add(source_name(r.source))
      .add(r.day)
      .add(r.model)
      .add(r.workspace)
      .add(r.api_key)
      .add(r.line_item)
      .add(r.uncached_input)
      .add(r.cache_write_5m)
      .add(r.cache_write_1h)
      .add(r.cache_read)
      .add(r.output)
      .add(r.web_search)
      .add(r.requests)
      .add(r.cost_nanos);
  return p;
}

// The rows `sql` selects for [first, second) (or for the provider and source
// named so), on a pooled connection.
template <class T>
Result<std::vector<T>> pooled_rows(pg::Pool& pool, const char* sql, const std::string& first,
                                   const std::string& second, Result<T> (*read)(const RowView&)) {
  auto conn = pool.lease();
  if (!conn) return conn.error();
  pg::Params p;
  p.add(first).add(second);
  std::vector<T> out;
  Status failed;
  auto s = each_row(**conn, sql, p, rows_into(out, read, failed));
  if (!s) return s.error();
  if (!failed) return failed.error();
  return out;
}

}  // namespace

Status PostgresStore::replace_provider_days(const std::vector<ProviderDay>& days,
                                            const std::optional<ProviderCursor>& cursor,
                                            const std::string& origin, int64_t at_ms) {
  for (const ProviderDay& d : days)
    if (auto s = check_provider_day(d); !s) return s;
  std::lock_guard lock(writer_mu_);
  if (auto s = writer_.exec("BEGIN"); !s) return s;
  auto run = [&]() -> Status {
    for (const ProviderDay& d : days) {
      pg::Params key;
      key.add(provider_of(d.source)).add(source_name(d.source)).add(d.day);
      pg::Params claim = key;
      claim.add(at_ms).add(origin).add(static_cast<int64_t>(d.rows.size()));
      if (auto r = writer_.run("codepulse_claim_provider_day", provider_sql::kClaimDay, claim); !r)
        return r.error();
      if (auto r = writer_.run("codepulse_delete_provider_day", provider_sql::kDeleteDay, key); !r)
        return r.error();
      for (const ProviderUsageRow& row : d.rows)
        if (auto r = writer_.run("codepulse_insert_provider_row", provider_sql::kInsertRow,
                                 row_params(row));
            !r)
          return r.error();
    }
    if (cursor) {
      pg::Params p;
      p.add(provider_of(cursor->source))
          .add(source_name(cursor->source))
          .add(cursor->next_day)
          .add(cursor->updated_ms);
      if (auto r = writer_.run("codepulse_upsert_provider_cursor", provider_sql::kUpsertCursor, p);
          !r)
        return r.error();
    }
    return writer_.exec("COMMIT");
  };
  auto s = run();
  if (!s) (void)writer_.exec("ROLLBACK");
  return s;
}

Result<std::vector<ProviderUsageRow>> PostgresStore::load_provider_rows(
    const std::string& since_day, const std::string& until_day) {
  auto rows =
      pooled_rows(pool_, provider_sql::kSelectRows, since_day, until_day, read_provider_row);
  if (rows) sort_provider_rows(*rows);
  return rows;
}

Result<std::vector<ProviderDayInfo>> PostgresStore::load_provider_days(
    const std::string& since_day, const std::string& until_day) {
  return pooled_rows(pool_, provider_sql::kSelectDays, since_day, until_day, read_provider_day);
}

Result<std::optional<ProviderCursor>> PostgresStore::provider_cursor(ProviderSource source) {
  auto rows = pooled_rows(pool_, provider_sql::kSelectCursor, provider_of(source),
                          source_name(source), read_provider_cursor);
  if (!rows) return rows.error();
  return first_cursor(*rows);
}

}  // namespace codepulse::collector::pg_store
