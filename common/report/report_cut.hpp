// --top N and the node limit (docs/ATTRIBUTION.md): the cube cuts its tree
// before it is materialized (cube_top_cut.cpp); a report with outcomes is
// cut here, once its tree is finished.
#pragma once

#include <cstddef>

#include "common/report/report.hpp"
#include "common/result.hpp"

namespace codepulse::report {

// The key of the node a cut folds the rest into ("(others)*" when a real
// key is already called that).
inline constexpr const char* kOthers = "(others)";

// Adds `from`'s metrics into `into`'s as a fold does: sums exact, distinct
// counts (records, sessions, days) bounds of the union.
void merge_metrics(Metrics& into, const Metrics& from);
// Every node of `node`'s tree keeps its q.top largest children by the sort
// metric (ties by key); the rest fold into one "(others)" leaf, so sums hold.
void cut_top(ReportNode& node, const ReportQuery& q);
// The nodes below `n`.
size_t count_nodes(const ReportNode& n);
// The error of a report of `nodes` nodes, more than `max_nodes` allows.
Error too_many_nodes(size_t nodes, size_t max_nodes);

}  // namespace codepulse::report
