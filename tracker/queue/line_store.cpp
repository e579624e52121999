#include "tracker/queue/line_store.hpp"

#include <map>

#include "tracker/queue/line_store_sql.hpp"

namespace codepulse::tracker {
namespace {

Result<sql::Statement*> prepared(sql::Database& db, std::optional<sql::Statement>& st,
                                 const char* text) {
  if (!st) {
    auto p = db.prepare(text);
    if (!p) return p.error();
    st = std::move(p).value();
  }
  return &*st;
}

}  // namespace

Result<bool> LineStore::add(const LineWrite& write) {
  if (write.prints == nullptr || write.prints->empty()) return false;
  auto call = prepared(db_, insert_call_, sql_text::kInsertLineCall);
  if (!call) return call.error();
  if (auto s = (*call)->bind(1, write.call_id).bind(2, write.written_ms).run(); !s)
    return s.error();
  if (db_.changes() == 0) return false;
  std::map<int64_t, int64_t> counts;  // a line written twice by one call counts twice
  for (const int64_t p : *write.prints)
    ++counts[p];
  auto add = prepared(db_, add_print_, sql_text::kAddLinePrint);
  if (!add) return add.error();
  for (const auto& [print, n] : counts) {
    if (auto s = (*add)
                     ->bind(1, print)
                     .bind(2, n)
                     .bind(3, write.written_ms)
                     .bind(4, write.session_id)
                     .bind(5, write.request_id)
                     .run();
        !s)
      return s.error();
  }
  return true;
}

Result<int64_t> LineStore::writes_before(int64_t print, int64_t at_ms) {
  auto st = prepared(db_, select_print_, sql_text::kSelectLinePrint);
  if (!st) return st.error();
  sql::Statement& q = **st;
  q.bind(1, print).bind(2, at_ms);
  auto row = q.step();
  if (!row) {
    q.reset();
    return row.error();
  }
  const int64_t writes = *row ? q.int64(0) : 0;
  q.reset();
  return writes;
}

Result<std::optional<LineWriter>> LineStore::writer(int64_t print) {
  auto q = db_.prepare(sql_text::kSelectLineWriter);
  if (!q) return q.error();
  q->bind(1, print);
  auto row = q->step();
  if (!row) return row.error();
  if (!*row) return std::optional<LineWriter>();
  LineWriter w;
  w.writes = q->int64(0);
  w.first_ms = q->int64(1);
  w.last_ms = q->int64(2);
  w.session_id = q->text(3);
  w.request_id = q->text(4);
  return std::optional<LineWriter>(std::move(w));
}

Result<int64_t> LineStore::expire(int64_t cutoff_ms, int64_t max_prints) {
  int64_t gone = 0;
  for (const char* text : {sql_text::kExpireLinePrints, sql_text::kExpireLineCalls}) {
    auto st = db_.prepare(text);
    if (!st) return st.error();
    if (auto s = st->bind(1, cutoff_ms).run(); !s) return s.error();
    if (text == sql_text::kExpireLinePrints) gone += db_.changes();
  }
  auto trim = db_.prepare(sql_text::kTrimLinePrints);
  if (!trim) return trim.error();
  if (auto s = trim->bind(1, max_prints).run(); !s) return s.error();
  return gone + db_.changes();
}

Result<LineStoreStats> LineStore::stats() {
  LineStoreStats out;
  auto prints = db_.scalar(sql_text::kCountLinePrints);
  if (!prints) return prints.error();
  auto calls = db_.scalar(sql_text::kCountLineCalls);
  if (!calls) return calls.error();
  out.prints = *prints;
  out.calls = *calls;
  return out;
}

}  // namespace codepulse::tracker
