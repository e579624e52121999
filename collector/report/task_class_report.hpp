// Task classes (docs/DELIVERY.md, "Task classes"): the AI spend and outcomes
// of similar tasks side by side. A class is a combination of what Jira says
// of a task (issue type, story points, component, label, priority; which of
// them: `by`); each class gives its tasks' cost distribution (median, p75,
// p90), commits, merged pull requests, bugs they caused, cycle time (created
// to resolved), rework (the share of their commits' added lines later
// commits reworked) and lead time to production (each of their commits to
// the production deployment that shipped it), and the tasks costing
// `outlier_factor` times their class's median or more ("PROJ-812 cost 4.1x
// the median of its class").
// Epics are compared the same way, with each other.
//
// The tasks of a range: those Jira resolved in it (resolutiondate), each with
// its whole AI spend (every session attributed to it, whenever: the report's
// task dimension, docs/METRICS.md). A task in several components (or with
// several labels) is in each one's class.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "collector/report/delivery_settings.hpp"
#include "collector/store/store.hpp"
#include "common/result.hpp"

namespace codepulse::collector {

struct TaskClassOptions {
  // Of "type", "points", "component", "label", "priority", in this order of
  // the class's name.
  std::vector<std::string> by{"type", "points", "component"};
  double outlier_factor = 3.0;  // a task at this multiple of its class's median or more
  int64_t min_tasks = 3;        // classes with fewer tasks name no outlier
  int64_t since_ms = 0, until_ms = 0;
};
// "type,points,component" -> the list; an error names an unknown one.
Result<std::vector<std::string>> parse_class_by(std::string_view list);

struct TaskCost {
  std::string key, epic;
  int64_t cost_nanos = 0;
  int64_t commits = 0, merged_prs = 0, bugs = 0;
  int64_t cycle_ms = 0;  // created to resolved; 0 when Jira gave no creation time
  int64_t lines_added = 0, reworked_lines = 0;  // its commits' (the report's outcomes)
  // Per commit naming it that a successful production deployment shipped:
  // that deployment's time minus the commit's (docs/DELIVERY.md, "Lead time").
  std::vector<int64_t> lead_ms;
};

struct CostDistribution {
  int64_t count = 0, total_nanos = 0;
  int64_t median_nanos = 0, p75_nanos = 0, p90_nanos = 0;
};

struct TaskClass {
  std::vector<std::string> values;  // one per `by`, e.g. {"Story", "3 points", "billing"}
  std::vector<std::string> tasks;   // keys, by cost (highest first)
  CostDistribution cost;
  int64_t commits = 0, merged_prs = 0, bugs = 0;
  std::optional<int64_t> cycle_median_ms;
  int64_t lines_added = 0, reworked_lines = 0;
  std::optional<double> rework_rate;  // reworked / added; nullopt without added lines
  int64_t shipped_commits = 0;        // commits with a lead time
  std::optional<int64_t> lead_median_ms;
};

struct CostOutlier {
  std::string key;
  std::string of;  // the class's name ("Story, 3 points, billing") or "epics"
  int64_t cost_nanos = 0, median_nanos = 0;
  double ratio = 0;
};

struct TaskClassReport {
  int64_t since_ms = 0, until_ms = 0;
  std::vector<std::string> by;
  double outlier_factor = 0;
  int64_t tasks = 0;                  // resolved in the range
  std::vector<TaskClass> classes;     // by name
  std::vector<CostOutlier> outliers;  // highest ratio first
  std::vector<TaskCost> epics;        // epics resolved in the range, by cost (highest first)
  CostDistribution epic_cost;
  std::vector<CostOutlier> epic_outliers;
};

// The name of a class: its values joined by ", ".
std::string class_name(const TaskClass& c);

// From Jira's tasks, the spend and outcomes per task and per epic (by key,
// over all time), and the number of bugs each task caused.
TaskClassReport build_task_classes(const std::vector<TaskRecord>& tasks,
                                   const std::vector<TaskCost>& task_costs,
                                   const std::vector<TaskCost>& epic_costs,
                                   const TaskClassOptions& options);

// Lead times come from the delivery report over all time with `delivery`'s
// production environments and merge-commit rule.
Result<TaskClassReport> task_class_report(Store& store, const TaskClassOptions& options,
                                          const DeliverySettings& delivery);

std::string task_class_json(const TaskClassReport& r);
std::string task_class_table(const TaskClassReport& r);

}  // namespace codepulse::collector
