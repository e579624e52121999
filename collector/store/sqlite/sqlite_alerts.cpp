// The SQLite store's alert outbox: enqueue and claim in one immediate
// transaction on the writer (another process on the same file waits for
// it), each claim a compare-and-set; the list read on the reader.
#include <algorithm>

#include "collector/store/alert_sql.hpp"
#include "collector/store/sqlite/sqlite_store_internal.hpp"

namespace codepulse::collector::sqlite_store {
namespace {

constexpr int64_t kDueScan = 1000;  // due rows looked at per claim, of any receiver

Result<std::vector<AlertDelivery>> alert_rows(sql::Database& db, const char* sql,
                                              const std::function<void(sql::Statement&)>& bind) {
  std::vector<AlertDelivery> out;
  Status failed;
  auto s = each_row(db, sql, bind, rows_into(out, read_alert_delivery, failed));
  if (!s) return s.error();
  if (!failed) return failed.error();
  return out;
}

}  // namespace

Result<int64_t> SqliteStore::enqueue_alert(const AlertMessage& a,
                                           const std::vector<std::string>& receivers) {
  if (auto s = check_alert(a, receivers); !s) return s.error();
  if (auto s = heal(); !s) return s.error();
  std::lock_guard lock(mu_);
  auto txn = sql::Transaction::begin(db_);
  if (!txn) return txn.error();
  auto st = db_.prepare(alert_sql::kEnqueue);
  if (!st) return st.error();
  int64_t added = 0;
  for (const std::string& receiver : receivers) {
    auto s = st->bind(1, a.dedupe_key)
                 .bind(2, a.source)
                 .bind(3, a.title)
                 .bind(4, a.text)
                 .bind(5, a.details)
                 .bind(6, a.created_ms)
                 .bind(7, receiver)
                 .run();
    st->reset();
    if (!s) return s.error();
    added += db_.changes();
  }
  if (auto s = txn->commit(); !s) return s.error();
  return added;
}

Result<std::vector<AlertDelivery>> SqliteStore::claim_alerts(
    const std::string& owner, const std::vector<std::string>& receivers, int64_t now_ms,
    int64_t lease_ms, size_t limit) {
  if (auto s = heal(); !s) return s.error();
  std::lock_guard lock(mu_);
  auto txn = sql::Transaction::begin(db_);
  if (!txn) return txn.error();
  auto due = alert_rows(db_, alert_sql::kSelectDue,
                        [&](sql::Statement& st) { st.bind(1, now_ms).bind(2, kDueScan); });
  if (!due) return due.error();
  auto claim = db_.prepare(alert_sql::kClaim);
  if (!claim) return claim.error();
  std::vector<AlertDelivery> out;
  for (AlertDelivery& d : *due) {
    if (out.size() >= limit) break;
    if (std::find(receivers.begin(), receivers.end(), d.receiver) == receivers.end()) continue;
    auto s = claim->bind(1, owner)
                 .bind(2, now_ms + lease_ms)
                 .bind(3, d.alert.dedupe_key)
                 .bind(4, d.receiver)
                 .bind(5, now_ms)
                 .run();
    claim->reset();
    if (!s) return s.error();
    if (db_.changes() != 1) continue;
    d.lease_owner = owner;
    d.lease_until_ms = now_ms + lease_ms;
    out.push_back(std::move(d));
  }
  if (auto s = txn->commit(); !s) return s.error();
  return out;
}

Result<bool> SqliteStore::finish_alert(const std::string& dedupe_key, const std::string& receiver,
                                       const std::string& owner, const AlertFinish& f) {
  if (auto s = heal(); !s) return s.error();
  std::lock_guard lock(mu_);
  auto st = db_.prepare(alert_sql::kFinish);
  if (!st) return st.error();
  const int64_t finished = f.state == AlertState::kPending ? 0 : f.at_ms;
  auto s = st->bind(1, alert_state_name(f.state))
               .bind(2, f.attempts)
               .bind(3, f.next_attempt_ms)
               .bind(4, f.last_error)
               .bind(5, f.last_status)
               .bind(6, finished)
               .bind(7, dedupe_key)
               .bind(8, receiver)
               .bind(9, owner)
               .run();
  if (!s) return s.error();
  return db_.changes() == 1;
}

Result<std::vector<AlertDelivery>> SqliteStore::list_alerts(size_t limit) {
  if (auto s = heal(); !s) return s.error();
  std::lock_guard lock(reader_mu_);
  return alert_rows(reader_, alert_sql::kSelectRecent,
                    [&](sql::Statement& st) { st.bind(1, static_cast<int64_t>(limit)); });
}

}  // namespace codepulse::collector::sqlite_store
