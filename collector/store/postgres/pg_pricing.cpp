// The PostgreSQL store's prices, each on a pooled connection: the book in
// force and the overrides read in one snapshot, imports and override changes
// (an override's id drawn from its sequence first, so its body carries it),
// and the unpriced models from one snapshot.
#include "collector/store/postgres/pg_sql.hpp"
#include "collector/store/postgres/pg_store_internal.hpp"
#include "collector/store/price_sql.hpp"
#include "collector/store/stored_rows.hpp"

namespace codepulse::collector::pg_store {
Status each_row(pg::Connection& conn, const std::string& sql, const pg::Params& params,
                const std::function<void(const RowView&)>& row) {
  auto rows = conn.query(sql, params);
  if (!rows) return rows.error();
  for (int i = 0; i < rows->size(); ++i)
    row(ResultRow(*rows, i));
  return {};
}

Result<PricingRows> PostgresStore::load_pricing() {
  auto conn = pool_.lease();
  if (!conn) return conn.error();
  PricingRows rows;
  auto s = in_snapshot(**conn, [&]() -> Status {
    if (auto s1 = each_row(**conn, price_sql::kSelectBookInForce, {},
                           [&](const RowView& r) { rows.book = read_stored_book(r); });
        !s1)
      return s1;
    return each_row(**conn, price_sql::kSelectActiveOverrides, {},
                    [&](const RowView& r) { rows.overrides.push_back(read_stored_override(r)); });
  });
  if (!s) return s.error();
  return rows;
}

Result<PricingVersion> PostgresStore::pricing_version() {
  auto conn = pool_.lease();
  if (!conn) return conn.error();
  PricingVersion v;
  auto s = each_row(**conn, price_sql::kSelectPricingVersion, {}, [&](const RowView& r) {
    v = {r.int64(0), r.int64(1), r.int64(2)};
  });
  if (!s) return s.error();
  return v;
}

Result<int64_t> PostgresStore::import_price_book(const PriceBook& book, const std::string& by,
                                                 int64_t at_ms, const std::string& note) {
  pg::Params p;
  p.add(book.revision()).add(book.digest()).add(book.to_json()).add(by).add(at_ms).add(note);
  auto conn = pool_.lease();
  if (!conn) return conn.error();
  int64_t id = 0;
  auto s = each_row(**conn, price_sql::kInsertBook, p, [&](const RowView& r) { id = r.int64(0); });
  if (!s) return s.error();
  return id;
}

Result<int64_t> PostgresStore::add_price_override(const RateOverride& o) {
  auto conn = pool_.lease();
  if (!conn) return conn.error();
  auto next = (*conn)->query("SELECT nextval(pg_get_serial_sequence('price_overrides', 'id'))");
  if (!next) return next.error();
  RateOverride stored = o;
  stored.id = next->int64(0, 0);
  pg::Params p;
  p.add(stored.id).add(rate_override_json(stored)).add(o.created_by).add(o.created_ms);
  if (auto s = (*conn)->query(price_sql::kInsertOverride, p); !s) return s.error();
  return stored.id;
}

Status PostgresStore::remove_price_override(int64_t id, const std::string& by, int64_t at_ms) {
  auto conn = pool_.lease();
  if (!conn) return conn.error();
  pg::Params p;
  p.add(by).add(at_ms).add(id);
  auto done = (*conn)->query(price_sql::kRemoveOverride, p);
  if (!done) return done.error();
  if (done->affected() == 1) return {};
  std::optional<StoredOverride> found;
  pg::Params key;
  key.add(id);
  auto s = each_row(**conn, price_sql::kSelectOverride, key,
                    [&](const RowView& r) { found = read_stored_override(r); });
  if (!s) return s;
  return removal_refused(id, found);
}

Result<std::vector<PriceChange>> PostgresStore::price_history() {
  auto conn = pool_.lease();
  if (!conn) return conn.error();
  std::vector<StoredBook> books;
  std::vector<StoredOverride> overrides;
  auto s = in_snapshot(**conn, [&]() -> Status {
    if (auto s1 = each_row(**conn, price_sql::kSelectBookHistory, {},
                           [&](const RowView& r) { books.push_back(read_stored_book(r)); });
        !s1)
      return s1;
    return each_row(**conn, price_sql::kSelectOverrides, {},
                    [&](const RowView& r) { overrides.push_back(read_stored_override(r)); });
  });
  if (!s) return s.error();
  return collector::price_history(books, overrides);
}

Result<std::vector<UnpricedModel>> PostgresStore::unpriced_models(const Pricer& pricer,
                                                                  int64_t since_ms,
                                                                  int64_t until_ms) {
  auto conn = pool_.lease();
  if (!conn) return conn.error();
  auto usage = [&conn](const std::string& model, int64_t since,
                       int64_t until) -> Result<std::vector<ModelUsage>> {
    std::vector<ModelUsage> out;
    pg::Params p;
    p.add(model).add(since).add(until);
    auto s = each_row(**conn, price_sql::kSelectModelUsage, p,
                      [&](const RowView& r) { out.push_back(read_model_usage(r)); });
    if (!s) return s.error();
    return out;
  };
  std::vector<UnpricedModel> out;
  auto s = in_snapshot(**conn, [&]() -> Status {
    auto by_model = usage("", since_ms, until_ms);
    if (!by_model) return by_model.error();
    auto found = find_unpriced(pricer, *by_model, since_ms, until_ms,
                               [&](const std::string& model, int64_t since, int64_t until) {
                                 return one_model_usage(usage(model, since, until), model);
                               });
    if (!found) return found.error();
    out = std::move(found).value();
    return {};
  });
  if (!s) return s.error();
  return out;
}

}  // namespace codepulse::collector::pg_store
