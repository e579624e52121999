#include "tracker/queue/line_store.hpp"

#include <algorithm>

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
  writers_.push_back({std::string(write.session_id), std::string(write.request_id)});
  // A line written twice by one call counts twice: one entry each, summed
  // when written.
  for (const int64_t p : *write.prints)
    held_.push_back({p, write.written_ms, write.written_ms, 1, writers_.size() - 1});
  return true;
}

Status LineStore::keep_staged() {
  kept_ = held_.size();
  kept_writers_ = writers_.size();
  if (kept_ >= kMaxHeld) return write_kept();
  return {};
}

void LineStore::drop_staged() {
  held_.resize(kept_);
  writers_.resize(kept_writers_);
}

void LineStore::drop_all() {
  held_.clear();
  writers_.clear();
  kept_ = kept_writers_ = 0;
}

// In print order, each print once: the writes summed, the first and last
// times, and the writer of the latest write (of equal times, the one taken
// last, as if written one by one).
Status LineStore::write_kept() {
  if (kept_ == 0) return {};
  std::stable_sort(held_.begin(), held_.begin() + static_cast<std::ptrdiff_t>(kept_),
                   [](const Held& a, const Held& b) { return a.print < b.print; });
  auto add = prepared(db_, add_print_, sql_text::kAddLinePrint);
  if (!add) return add.error();
  for (size_t i = 0; i < kept_;) {
    Held sum = held_[i];
    size_t j = i + 1;
    for (; j < kept_ && held_[j].print == sum.print; ++j) {
      const Held& h = held_[j];
      sum.writes += h.writes;
      sum.first_ms = std::min(sum.first_ms, h.first_ms);
      if (h.last_ms >= sum.last_ms) {
        sum.last_ms = h.last_ms;
        sum.writer = h.writer;
      }
    }
    i = j;
    const Writer& w = writers_[sum.writer];
    if (auto s = (*add)
                     ->bind(1, sum.print)
                     .bind(2, sum.writes)
                     .bind(3, sum.first_ms)
                     .bind(4, sum.last_ms)
                     .bind(5, w.session_id)
                     .bind(6, w.request_id)
                     .run();
        !s)
      return s;
  }
  held_.erase(held_.begin(), held_.begin() + static_cast<std::ptrdiff_t>(kept_));
  kept_ = 0;
  // Staged entries keep pointing at their writers: the writers go only when
  // nothing is staged.
  if (held_.empty()) {
    writers_.clear();
    kept_writers_ = 0;
  }
  return {};
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
