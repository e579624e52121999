// The outbox: the record revisions waiting for the collector, marked shipped
// after its 2xx or quarantined when it refused them (and released again), and
// the queue's counts.
#include "common/record/usage_sqlite.hpp"
#include "common/time.hpp"
#include "common/tool_codec.hpp"
#include "tracker/queue/local_store.hpp"
#include "tracker/queue/outbox_sql.hpp"
#include "tracker/queue/store_statements.hpp"

namespace codepulse::tracker {

Result<std::vector<proto::WireRecord>> LocalStore::unshipped(size_t limit,
                                                             std::vector<int64_t>* ids) {
  std::vector<proto::WireRecord> out;
  if (ids) ids->clear();
  auto st = db_.prepare(sql_text::select_unshipped());
  if (!st) return st.error();
  st->bind(1, static_cast<int64_t>(limit));
  auto s = each_row(*st, [&]() -> Status {
    proto::WireRecord w;
    w.record_uid = std::string(st->text(0));
    w.revision = st->int64(1);
    UsageRecord& r = w.usage;
    r.dedupe_key = std::string(st->text(2));
    r.author = std::string(st->text(3));
    auto tools = decode_tools(st->text(4));
    if (!tools)
      return make_error(db_.path() + ": record " + w.record_uid + ": " + tools.error().message);
    r.tools = std::move(tools).value();
    if (ids) ids->push_back(st->int64(5));
    read_usage_fields(*st, sql_text::kUnshippedFirstListed, r);
    out.push_back(std::move(w));
    return {};
  });
  if (!s) return s.error();
  return out;
}

Status LocalStore::mark_shipped(const std::vector<Sent>& sent) {
  auto st = db_.prepare(sql_text::kMarkShipped);
  if (!st) return st.error();
  for (const Sent& r : sent) {
    if (auto s = st->bind(1, r.id).bind(2, r.revision).bind(3, r.uid).run(); !s) return s;
  }
  return {};
}

Status LocalStore::quarantine(const std::vector<QuarantineEntry>& entries) {
  auto mark = db_.prepare(sql_text::kQuarantine);
  if (!mark) return mark.error();
  auto note = db_.prepare(sql_text::kInsertQuarantine);
  if (!note) return note.error();
  const int64_t now = now_utc_ms();
  for (const QuarantineEntry& e : entries) {
    if (auto s = mark->bind(1, e.record_id).bind(2, e.revision).bind(3, e.record_uid).run(); !s)
      return s;
    const int64_t status = e.http_status;
    if (auto s = note->bind(1, e.record_id)
                     .bind(2, e.revision)
                     .bind(3, e.record_uid)
                     .bind(4, e.batch_id)
                     .bind(5, status)
                     .bind(6, e.reason)
                     .bind(7, now)
                     .run();
        !s)
      return s;
  }
  return {};
}

Result<std::vector<QuarantineEntry>> LocalStore::quarantined(size_t limit) {
  std::vector<QuarantineEntry> out;
  auto st = db_.prepare(sql_text::kSelectQuarantine);
  if (!st) return st.error();
  st->bind(1, static_cast<int64_t>(limit));
  auto s = each_row(*st, [&]() -> Status {
    QuarantineEntry e;
    e.record_uid = std::string(st->text(0));
    e.revision = st->int64(1);
    e.batch_id = std::string(st->text(2));
    e.http_status = static_cast<int>(st->int64(3));
    e.reason = std::string(st->text(4));
    e.at_ms = st->int64(5);
    out.push_back(std::move(e));
    return {};
  });
  if (!s) return s.error();
  return out;
}

Result<int64_t> LocalStore::release_quarantine() {
  auto n = db_.scalar(sql_text::kCountQuarantined);
  if (!n) return n.error();
  if (auto s = db_.exec(sql_text::kReleaseQuarantine); !s) return s.error();
  return *n;
}

Result<QueueStats> LocalStore::queue_stats() {
  QueueStats q;
  auto st = db_.prepare(sql_text::kQueueStats);
  if (!st) return st.error();
  auto row = st->step();
  if (!row) return row.error();
  if (*row) {
    q.records = st->int64(0);
    q.unshipped = st->int64(1);
    q.oldest_unshipped_ms = st->opt_int64(2);
    q.quarantined = st->int64(3);
  }
  auto used = db_.scalar(sql_text::kUsedBytes);
  if (!used) return used.error();
  q.used_bytes = *used;
  auto meta = db_.prepare(sql_text::kSelectRemovalCounters);
  if (!meta) return meta.error();
  auto s = each_row(*meta, [&]() -> Status {
    const std::string_view key = meta->text(0);
    int64_t& slot = key == "evicted_shipped" ? q.evicted_shipped
                    : key == "expired"       ? q.expired
                                             : q.evicted_unshipped;
    slot = meta->int64(1);
    return {};
  });
  if (!s) return s.error();
  return q;
}

}  // namespace codepulse::tracker
