// The cube query's --top cut, made on its node arrays before the tree is
// materialized (report_cut.cpp cuts a finished tree).
#include <algorithm>
#include <string>
#include <vector>

#include "common/report/cube_query_internal.hpp"
#include "common/report/report_cut.hpp"

namespace codepulse::report {

// --top N: every node keeps its N largest children by the sort metric
// (ties by key); the rest fold into one "(others)" leaf, so sums hold.
void CubeQuery::cut_top() {
  const Metric metric = q_.sort_by.value_or(Metric::kCostUsd);
  const CostBasis basis = q_.cost_basis;
  std::vector<uint32_t> stack{0}, kids;
  std::vector<int64_t> value;
  // Room for every "(others)" node up front: one per node with more than
  // `top` children, so at most (nodes - 1) / (top + 1). The node array is
  // then never copied to grow (at a million nodes that copy was 130 MiB more
  // memory for a moment, and twice the capacity kept after).
  const size_t most =
      nodes_.size() + (q_.top >= nodes_.size() ? 0 : (nodes_.size() - 1) / (q_.top + 1));
  nodes_.reserve(most);
  first_.reserve(most);
  next_.reserve(most);
  depth_.reserve(most);
  while (!stack.empty()) {
    const uint32_t id = stack.back();
    stack.pop_back();
    kids.clear();
    for (uint32_t c = first_[id]; c != kNone; c = next_[c])
      kids.push_back(c);
    if (kids.size() > q_.top) {
      value.resize(nodes_.size());
      for (uint32_t c : kids)
        value[c] = metrics_of(c).sort_value(metric, q_.weights, basis);
      std::sort(kids.begin(), kids.end(), [&](uint32_t a, uint32_t b) {
        if (value[a] != value[b]) return value[a] > value[b];
        return name_of(a) < name_of(b);
      });
      // A real key "(others)" must not be merged with the fold: pick a free one.
      std::string others_key = kOthers;
      auto taken = [&](const std::string& k) {
        for (uint32_t c : kids)
          if (name_of(c) == k) return true;
        return false;
      };
      while (taken(others_key))
        others_key += "*";
      Node o;
      o.parent = id;
      o.others = true;
      for (size_t i = q_.top; i < kids.size(); ++i) {
        const Node& d = nodes_[kids[i]];
        const int64_t sums[kShareSums] = {d.input, d.output,    d.cache_create, d.cache_read,
                                          d.cost,  d.list_cost, d.effective};
        add_sums(o, sums);
        o.overflow = o.overflow || d.overflow;
        // Distinct counts of a union are not known after the fact: the sum
        // is an upper bound for records; sessions and days at least the max.
        o.records += d.records;
        o.unpriced += d.unpriced;
        o.skills += d.skills;
        o.mcp += d.mcp;
        const Metrics m = metrics_of(kids[i]);
        o.sessions = std::max<uint32_t>(o.sessions, static_cast<uint32_t>(m.sessions));
        o.days = std::max<uint32_t>(o.days, static_cast<uint32_t>(m.active_days));
      }
      const auto oid = static_cast<uint32_t>(nodes_.size());
      nodes_.push_back(o);
      first_.push_back(kNone);
      next_.push_back(kNone);
      depth_.push_back(static_cast<uint8_t>(depth_[id] + 1));
      others_names_.emplace(oid, others_key);
      kids.resize(q_.top);
      kids.push_back(oid);
      first_[id] = kids.front();
      for (size_t i = 0; i + 1 < kids.size(); ++i)
        next_[kids[i]] = kids[i + 1];
      next_[kids.back()] = kNone;
    }
    for (uint32_t c = first_[id]; c != kNone; c = next_[c])
      if (!nodes_[c].others) stack.push_back(c);
  }
}
}  // namespace codepulse::report
