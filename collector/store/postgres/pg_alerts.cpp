// The PostgreSQL store's alert outbox, on pooled connections: each insert
// is insert-if-absent and each claim a compare-and-set in one statement, so
// several collectors on one database enqueue an alert once and deliver it
// from one of them.
#include <algorithm>

#include "collector/store/alert_sql.hpp"
#include "collector/store/postgres/pg_store_internal.hpp"

namespace codepulse::collector::pg_store {
namespace {

constexpr int64_t kDueScan = 1000;  // due rows looked at per claim, of any receiver

Result<std::vector<AlertDelivery>> alert_rows(pg::Connection& conn, const char* sql,
                                              const pg::Params& p) {
  std::vector<AlertDelivery> out;
  Status failed;
  auto s = each_row(conn, sql, p, rows_into(out, read_alert_delivery, failed));
  if (!s) return s.error();
  if (!failed) return failed.error();
  return out;
}

}  // namespace

Result<int64_t> PostgresStore::enqueue_alert(const AlertMessage& a,
                                             const std::vector<std::string>& receivers) {
  if (auto s = check_alert(a, receivers); !s) return s.error();
  auto conn = pool_.lease();
  if (!conn) return conn.error();
  int64_t added = 0;
  for (const std::string& receiver : receivers) {
    pg::Params p;
    p.add(a.dedupe_key)
        .add(a.source)
        .add(a.title)
        .add(a.text)
        .add(a.details)
        .add(a.created_ms)
        .add(receiver);
    auto r = (*conn)->query(alert_sql::kEnqueue, p);
    if (!r) return r.error();
    added += r->affected();
  }
  return added;
}

Result<std::vector<AlertDelivery>> PostgresStore::claim_alerts(
    const std::string& owner, const std::vector<std::string>& receivers, int64_t now_ms,
    int64_t lease_ms, size_t limit) {
  auto conn = pool_.lease();
  if (!conn) return conn.error();
  pg::Params due_p;
  due_p.add(now_ms).add(kDueScan);
  auto due = alert_rows(**conn, alert_sql::kSelectDue, due_p);
  if (!due) return due.error();
  std::vector<AlertDelivery> out;
  for (AlertDelivery& d : *due) {
    if (out.size() >= limit) break;
    if (std::find(receivers.begin(), receivers.end(), d.receiver) == receivers.end()) continue;
    pg::Params p;
    p.add(owner).add(now_ms + lease_ms).add(d.alert.dedupe_key).add(d.receiver).add(now_ms);
    auto r = (*conn)->query(alert_sql::kClaim, p);
    if (!r) return r.error();
    if (r->affected() != 1) continue;
    d.lease_owner = owner;
    d.lease_until_ms = now_ms + lease_ms;
    out.push_back(std::move(d));
  }
  return out;
}

Result<bool> PostgresStore::finish_alert(const std::string& dedupe_key, const std::string& receiver,
                                         const std::string& owner, const AlertFinish& f) {
  auto conn = pool_.lease();
  if (!conn) return conn.error();
  pg::Params p;
  p.add(alert_state_name(f.state))
      .add(f.attempts)
      .add(f.next_attempt_ms)
      .add(f.last_error)
      .add(f.last_status)
      .add(f.state == AlertState::kPending ? int64_t{0} : f.at_ms)
      .add(dedupe_key)
      .add(receiver)
      .add(owner);
  auto r = (*conn)->query(alert_sql::kFinish, p);
  if (!r) return r.error();
  return r->affected() == 1;
}

Result<std::vector<AlertDelivery>> PostgresStore::list_alerts(size_t limit) {
  auto conn = pool_.lease();
  if (!conn) return conn.error();
  pg::Params p;
  p.add(static_cast<int64_t>(limit));
  return alert_rows(**conn, alert_sql::kSelectRecent, p);
}

}  // namespace codepulse::collector::pg_store
