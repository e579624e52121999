// The cube query's hashing path, for trees of few nodes: each share is added
// along its path of the tree, nodes found by (parent, value id) in one flat
// hash table, distinct sessions and days counted as the shares arrive.
#include "common/report/cube_query_internal.hpp"

namespace codepulse::report {

void CubeQuery::hash_shares(const Lane& L, uint32_t gid, const UsageCube::Group& g,
                            const BucketInfo& info) {
  for (const Share& s : L.shares) {
    if (share_filters_ && !share_allowed(s)) continue;
    add_to(0, s, gid, g, info.day);
    uint32_t parent = 0;
    for (size_t level = 0; level < levels_; ++level) {
      const uint32_t key = level_key(level_dims_[level], g, s, info.date);
      // Node ids fit 31 bits and keys 32: (parent, key) never collides.
      const uint64_t k = (static_cast<uint64_t>(parent) << 32) | key;
      Memo& memo = memo_[level];
      if (memo.key != k) {  // consecutive groups mostly meet the same nodes
        const auto fresh = static_cast<uint32_t>(nodes_.size());
        memo.id = index_.find_or_add(k, fresh);
        memo.key = k;
        if (memo.id == fresh) {
          nodes_.emplace_back();
          nodes_.back().key = key;
          nodes_.back().parent = parent;
        }
      }
      add_to(memo.id, s, gid, g, info.day);
      parent = memo.id;
    }
  }
}

void CubeQuery::add_to(uint32_t node_id, const Share& s, uint32_t g, const UsageCube::Group& group,
                       int64_t day) {
  Node& n = nodes_[node_id];
  add_sums(n, s.m);
  if (n.last_group == g) return;  // this group's records are counted once per node
  n.last_group = g;
  n.records += group.records;
  n.unpriced += group.unpriced;
  n.skills += group.skills;
  n.mcp += group.mcp;
  if (n.last_session != group.session) {
    n.last_session = group.session;
    ++n.sessions;
  }
  if (wide_days_) {
    DistinctSet& set = wide_day_sets_[node_id];
    const size_t before = set.size();
    set.insert(static_cast<uint32_t>(day));
    n.days += static_cast<uint32_t>(set.size() - before);
    return;
  }
  const auto d = static_cast<int32_t>(day - first_day_);
  if (d == n.day_a || d == n.day_b) return;
  if (n.day_a == INT32_MIN) {
    n.day_a = d;
    ++n.days;
  } else if (n.day_b == INT32_MIN) {
    n.day_b = d;
    ++n.days;
  } else {
    if (n.day_bits == kNone) {  // a bitmap over the report's days
      n.day_bits = static_cast<uint32_t>(day_pool_.size());
      day_pool_.resize(day_pool_.size() + day_words_, 0);
    }
    uint64_t& word = day_pool_[n.day_bits + static_cast<size_t>(d) / 64];
    const uint64_t bit = uint64_t{1} << (static_cast<unsigned>(d) % 64);
    if ((word & bit) == 0) {
      word |= bit;
      ++n.days;
    }
  }
}

}  // namespace codepulse::report
