// The SQLite store's prices: the book in force and the overrides read on the
// reader connection, imports and override changes on the writer, and the
// unpriced models on the report connection (one snapshot).
#include "collector/store/sqlite/sqlite_pricing.hpp"

#include <functional>
#include <string_view>

#include "collector/store/price_sql.hpp"
#include "collector/store/sqlite/sqlite_store_internal.hpp"
#include "collector/store/stored_rows.hpp"

namespace codepulse::collector::sqlite_store {
Status each_row(sql::Database& db, std::string_view sql,
                const std::function<void(sql::Statement&)>& bind,
                const std::function<void(const RowView&)>& row) {
  auto st = db.prepare(sql);
  if (!st) return st.error();
  if (bind) bind(*st);
  while (true) {
    auto more = st->step();
    if (!more) return more.error();
    if (!*more) return {};
    row(StatementRow(*st));
  }
}

Result<PricingRows> load_pricing_rows(sql::Database& db) {
  PricingRows rows;
  auto tables = db.scalar("SELECT count(*) FROM sqlite_master WHERE name = 'price_books'");
  if (!tables) return tables.error();
  if (*tables == 0) return rows;
  if (auto s = db.exec("BEGIN"); !s) return s.error();
  EndRead end{db};
  auto s = each_row(db, price_sql::kSelectBookInForce, nullptr,
                    [&](const RowView& r) { rows.book = read_stored_book(r); });
  if (s)
    s = each_row(db, price_sql::kSelectActiveOverrides, nullptr,
                 [&](const RowView& r) { rows.overrides.push_back(read_stored_override(r)); });
  if (!s) return s.error();
  return rows;
}

Result<PricingRows> SqliteStore::load_pricing() {
  if (auto s = heal(); !s) return s.error();
  std::lock_guard lock(reader_mu_);
  return load_pricing_rows(reader_);
}

Result<PricingVersion> SqliteStore::pricing_version() {
  if (auto s = heal(); !s) return s.error();
  std::lock_guard lock(reader_mu_);
  PricingVersion v;
  auto s = each_row(reader_, price_sql::kSelectPricingVersion, nullptr, [&](const RowView& r) {
    v = {r.int64(0), r.int64(1), r.int64(2)};
  });
  if (!s) return s.error();
  return v;
}

Result<int64_t> SqliteStore::import_price_book(const PriceBook& book, const std::string& by,
                                               int64_t at_ms, const std::string& note) {
  if (auto s = heal(); !s) return s.error();
  const std::string body = book.to_json();
  std::lock_guard lock(mu_);
  int64_t id = 0;
  auto s = each_row(
      db_, price_sql::kInsertBook,
      [&](sql::Statement& st) {
        st.bind(1, book.revision())
            .bind(2, book.digest())
            .bind(3, body)
            .bind(4, by)
            .bind(5, at_ms)
            .bind(6, note);
      },
      [&](const RowView& r) { id = r.int64(0); });
  if (!s) return s.error();
  return id;
}

Result<int64_t> SqliteStore::add_price_override(const RateOverride& o) {
  if (auto s = heal(); !s) return s.error();
  std::lock_guard lock(mu_);
  auto txn = sql::Transaction::begin(db_);
  if (!txn) return txn.error();
  auto last = db_.scalar("SELECT coalesce(max(id), 0) FROM price_overrides");
  if (!last) return last.error();
  RateOverride stored = o;
  stored.id = *last + 1;
  const std::string body = rate_override_json(stored);
  auto st = db_.prepare(price_sql::kInsertOverride);
  if (!st) return st.error();
  auto s = st->bind(1, stored.id).bind(2, body).bind(3, o.created_by).bind(4, o.created_ms).run();
  if (s) s = txn->commit();
  if (!s) return s.error();
  return stored.id;
}

Status SqliteStore::remove_price_override(int64_t id, const std::string& by, int64_t at_ms) {
  if (auto s = heal(); !s) return s;
  std::lock_guard lock(mu_);
  auto st = db_.prepare(price_sql::kRemoveOverride);
  if (!st) return st.error();
  if (auto s = st->bind(1, by).bind(2, at_ms).bind(3, id).run(); !s) return s;
  if (db_.changes() == 1) return {};
  std::optional<StoredOverride> found;
  auto s = each_row(
      db_, price_sql::kSelectOverride, [&](sql::Statement& q) { q.bind(1, id); },
      [&](const RowView& r) { found = read_stored_override(r); });
  if (!s) return s;
  return removal_refused(id, found);
}

Result<std::vector<PriceChange>> SqliteStore::price_history() {
  if (auto s = heal(); !s) return s.error();
  std::lock_guard lock(reader_mu_);
  std::vector<StoredBook> books;
  std::vector<StoredOverride> overrides;
  if (auto s = reader_.exec("BEGIN"); !s) return s.error();
  EndRead end{reader_};
  auto s = each_row(reader_, price_sql::kSelectBookHistory, nullptr,
                    [&](const RowView& r) { books.push_back(read_stored_book(r)); });
  if (s)
    s = each_row(reader_, price_sql::kSelectOverrides, nullptr,
                 [&](const RowView& r) { overrides.push_back(read_stored_override(r)); });
  if (!s) return s.error();
  return collector::price_history(books, overrides);
}

Result<std::vector<UnpricedModel>> SqliteStore::unpriced_models(const Pricer& pricer,
                                                                int64_t since_ms,
                                                                int64_t until_ms) {
  if (auto s = heal(); !s) return s.error();
  std::lock_guard lock(report_mu_);
  if (auto s = open_report_db(); !s) return s.error();
  sql::Database& db = *report_db_;
  auto usage = [&db](const std::string& model, int64_t since,
                     int64_t until) -> Result<std::vector<ModelUsage>> {
    std::vector<ModelUsage> out;
    auto s = each_row(
        db, price_sql::kSelectModelUsage,
        [&](sql::Statement& st) { st.bind(1, model).bind(2, since).bind(3, until); },
        [&](const RowView& r) { out.push_back(read_model_usage(r)); });
    if (!s) return s.error();
    return out;
  };
  if (auto s = db.exec("BEGIN"); !s) return s.error();
  EndRead end{db};
  auto by_model = usage("", since_ms, until_ms);
  if (!by_model) return by_model.error();
  return find_unpriced(pricer, *by_model, since_ms, until_ms,
                       [&](const std::string& model, int64_t since, int64_t until) {
                         return one_model_usage(usage(model, since, until), model);
                       });
}

}  // namespace codepulse::collector::sqlite_store
