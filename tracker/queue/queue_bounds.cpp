// The queue's bounds: shipped records past retention go, then, to stay under
// the byte bound, the oldest shipped ones and only then the oldest unshipped
// ones; every removal is counted in tracker_meta.
#include "tracker/queue/local_store.hpp"
#include "tracker/queue/outbox_sql.hpp"

namespace codepulse::tracker {

Result<BoundsOutcome> LocalStore::enforce_bounds(int64_t max_bytes, int64_t retention_cutoff_ms) {
  BoundsOutcome out;
  auto run_counted = [&](const char* sql, int64_t arg, int64_t& counter) -> Status {
    auto st = db_.prepare(sql);
    if (!st) return st.error();
    st->bind(1, arg);
    if (auto s = st->run(); !s) return s;
    counter += db_.changes();
    return {};
  };
  if (auto s = run_counted(sql_text::kDeleteExpired, retention_cutoff_ms, out.expired); !s)
    return s.error();
  constexpr int64_t kChunk = 500;
  while (true) {
    auto used = db_.scalar(sql_text::kUsedBytes);
    if (!used) return used.error();
    if (*used <= max_bytes) break;
    const int64_t before = out.evicted_shipped + out.evicted_unshipped;
    if (auto s = run_counted(sql_text::kEvictOldestShipped, kChunk, out.evicted_shipped); !s)
      return s.error();
    if (out.evicted_shipped + out.evicted_unshipped == before) {
      if (auto s = run_counted(sql_text::kEvictOldestUnshipped, kChunk, out.evicted_unshipped); !s)
        return s.error();
    }
    if (out.evicted_shipped + out.evicted_unshipped == before) break;  // nothing left to remove
  }
  if (out.expired + out.evicted_shipped + out.evicted_unshipped == 0) return out;
  if (auto s = db_.exec(sql_text::kDeleteOrphanPending); !s) return s.error();
  if (auto s = db_.exec(sql_text::kDeleteOrphanQuarantine); !s) return s.error();
  auto add = db_.prepare(sql_text::kAddCounter);
  if (!add) return add.error();
  const std::pair<const char*, int64_t> counters[] = {{"expired", out.expired},
                                                      {"evicted_shipped", out.evicted_shipped},
                                                      {"evicted_unshipped", out.evicted_unshipped}};
  for (const auto& [key, n] : counters) {
    if (n == 0) continue;
    const std::string value = std::to_string(n);
    if (auto s = add->bind(1, std::string_view(key)).bind(2, value).run(); !s) return s.error();
  }
  return out;
}

}  // namespace codepulse::tracker
