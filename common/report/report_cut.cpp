// --top N over a finished report tree (the cube's own cut cannot see
// outcomes), the count of its nodes, and the error of one over the limit.
#include "common/report/report_cut.hpp"

#include <algorithm>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

namespace codepulse::report {
namespace {

void merge_outcomes(Outcomes& into, const Outcomes& from) {
  into.commits += from.commits;
  into.ai_commits += from.ai_commits;
  into.ai_unknown_commits += from.ai_unknown_commits;
  into.lines_added += from.lines_added;
  into.lines_removed += from.lines_removed;
  into.reworked_lines += from.reworked_lines;
  into.ai_lines_added += from.ai_lines_added;
  into.ai_reworked_lines += from.ai_reworked_lines;
  into.refactoring_lines += from.refactoring_lines;
  into.scored_lines_added += from.scored_lines_added;
  into.ai_written_lines += from.ai_written_lines;
  into.accepted_ai_lines += from.accepted_ai_lines;
  for (size_t m = 0; m < 2; ++m) {
    into.ai_lines_measured[m] += from.ai_lines_measured[m];
    into.ai_lines_alive[m] += from.ai_lines_alive[m];
    into.other_lines_measured[m] += from.other_lines_measured[m];
    into.other_lines_alive[m] += from.other_lines_alive[m];
  }
  into.line_rework_ai_base += from.line_rework_ai_base;
  into.line_rework_other_base += from.line_rework_other_base;
  into.line_reworked_ai += from.line_reworked_ai;
  into.line_reworked_other += from.line_reworked_other;
  into.ai_blocks += from.ai_blocks;
  into.ai_blocks_repeated += from.ai_blocks_repeated;
  into.other_blocks += from.other_blocks;
  into.other_blocks_repeated += from.other_blocks_repeated;
  into.prs += from.prs;
  into.merged_prs += from.merged_prs;
  for (auto [to, src] :
       {std::pair{&into.cycle_ms, &from.cycle_ms}, std::pair{&into.coding_ms, &from.coding_ms},
        std::pair{&into.pickup_ms, &from.pickup_ms}, std::pair{&into.review_ms, &from.review_ms}})
    to->insert(to->end(), src->begin(), src->end());
}

}  // namespace

void merge_metrics(Metrics& into, const Metrics& from) {
  into.input += from.input;
  into.output += from.output;
  into.cache_create += from.cache_create;
  into.cache_read += from.cache_read;
  into.cost_nanos += from.cost_nanos;
  into.list_cost_nanos += from.list_cost_nanos;
  into.effective_cost_nanos += from.effective_cost_nanos;
  into.records += from.records;  // an upper bound of a union, as the cube's cut says
  into.unpriced_records += from.unpriced_records;
  into.skill_calls += from.skill_calls;
  into.mcp_calls += from.mcp_calls;
  into.sessions = std::max(into.sessions, from.sessions);
  into.active_days = std::max(into.active_days, from.active_days);
  merge_outcomes(into.outcomes, from.outcomes);
}

void cut_top(ReportNode& node, const ReportQuery& q) {
  const Metric m = q.sort_by.value_or(Metric::kCostUsd);
  if (node.children.size() > q.top) {
    std::vector<ReportNode> kids(std::make_move_iterator(node.children.begin()),
                                 std::make_move_iterator(node.children.end()));
    std::vector<std::pair<int64_t, size_t>> order;  // each value once
    for (size_t i = 0; i < kids.size(); ++i)
      order.emplace_back(kids[i].metrics.sort_value(m, q.weights, q.cost_basis), i);
    std::stable_sort(order.begin(), order.end(), [&kids](const auto& a, const auto& b) {
      if (a.first != b.first) return a.first > b.first;
      return kids[a.second].key < kids[b.second].key;
    });
    std::vector<ReportNode> sorted;
    sorted.reserve(kids.size());
    for (const auto& [value, i] : order)
      sorted.push_back(std::move(kids[i]));
    kids.swap(sorted);
    std::string others_key = kOthers;
    auto taken = [&kids](const std::string& k) {
      return std::any_of(kids.begin(), kids.end(),
                         [&k](const ReportNode& n) { return n.key == k; });
    };
    while (taken(others_key))
      others_key += "*";
    ReportNode others;
    others.key = others_key;
    others.others = true;
    for (size_t i = q.top; i < kids.size(); ++i)
      merge_metrics(others.metrics, kids[i].metrics);
    kids.resize(q.top);
    node.children = ReportChildren();
    node.children.reserve(kids.size() + 1);
    for (ReportNode& k : kids)
      node.children.add(std::move(k));
    node.children.add(std::move(others));
  }
  for (ReportNode& c : node.children)
    if (!c.others) cut_top(c, q);
}

size_t count_nodes(const ReportNode& n) {
  size_t total = 0;
  for (const ReportNode& c : n.children)
    total += 1 + count_nodes(c);
  return total;
}

Error too_many_nodes(size_t nodes, size_t max_nodes) {
  return make_error(std::string(kTooManyNodes) + ": it has " + std::to_string(nodes) +
                    " nodes, more than this collector's report_max_nodes (" +
                    std::to_string(max_nodes) +
                    "); ask for top=N, a shorter range, fewer levels or a filter");
}

}  // namespace codepulse::report
