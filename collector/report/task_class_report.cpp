#include "collector/report/task_class_report.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <unordered_map>

#include "collector/report/delivery_report.hpp"
#include "collector/report/money_json.hpp"
#include "collector/report/store_report.hpp"
#include "common/ascii.hpp"
#include "common/json_writer.hpp"
#include "common/pricing/usd.hpp"
#include "common/report/attribution.hpp"
#include "common/time.hpp"

namespace codepulse::collector {
namespace {

constexpr const char* kDimensions[] = {"type", "points", "component", "label", "priority"};

std::string points_text(int64_t milli) {
  if (milli < 0) return "(no points)";
  char buf[48];
  if (milli % 1000 == 0)
    std::snprintf(buf, sizeof buf, "%lld point%s", static_cast<long long>(milli / 1000),
                  milli == 1000 ? "" : "s");
  else
    std::snprintf(buf, sizeof buf, "%g points", static_cast<double>(milli) / 1000.0);
  return buf;
}

std::vector<std::string> or_none(const std::vector<std::string>& v, const char* none) {
  return v.empty() ? std::vector<std::string>{none} : v;
}

// The values of `t` for dimension `d` (several for components and labels).
std::vector<std::string> values_of(const TaskRecord& t, const std::string& d) {
  if (d == "type") return {t.issue_type.empty() ? "(no type)" : t.issue_type};
  if (d == "points") return {points_text(t.story_points_milli)};
  if (d == "component") return or_none(t.components, "(no component)");
  if (d == "label") return or_none(t.labels, "(no label)");
  return {t.priority.empty() ? "(no priority)" : t.priority};
}

CostDistribution distribution(const std::vector<int64_t>& costs) {
  CostDistribution d;
  d.count = static_cast<int64_t>(costs.size());
  for (int64_t c : costs)
    d.total_nanos += c;
  d.median_nanos = percentile_ms(costs, 50).value_or(0);
  d.p75_nanos = percentile_ms(costs, 75).value_or(0);
  d.p90_nanos = percentile_ms(costs, 90).value_or(0);
  return d;
}

void add_outliers(const std::vector<const TaskCost*>& members, const CostDistribution& d,
                  const std::string& of, const TaskClassOptions& o, std::vector<CostOutlier>& out) {
  if (d.count < o.min_tasks || d.median_nanos <= 0) return;
  for (const TaskCost* t : members) {
    const double ratio = static_cast<double>(t->cost_nanos) / static_cast<double>(d.median_nanos);
    if (ratio >= o.outlier_factor)
      out.push_back({t->key, of, t->cost_nanos, d.median_nanos, ratio});
  }
}

void by_ratio(std::vector<CostOutlier>& v) {
  std::sort(v.begin(), v.end(), [](const CostOutlier& a, const CostOutlier& b) {
    return a.ratio != b.ratio ? a.ratio > b.ratio : a.key != b.key ? a.key < b.key : a.of < b.of;
  });
}

bool resolved_in(const TaskRecord& t, const TaskClassOptions& o) {
  return !t.deleted && t.resolved_ms > 0 && t.resolved_ms >= o.since_ms &&
         t.resolved_ms < o.until_ms;
}

}  // namespace

Result<std::vector<std::string>> parse_class_by(std::string_view list) {
  std::vector<std::string> out;
  while (true) {
    const size_t comma = list.find(',');
    std::string one(list.substr(0, comma));
    one.erase(0, one.find_first_not_of(' '));
    one.erase(one.find_last_not_of(' ') + 1);
    if (std::find(std::begin(kDimensions), std::end(kDimensions), one) == std::end(kDimensions))
      return make_error("by: '" + one + "' is not one of type, points, component, label, priority");
    if (std::find(out.begin(), out.end(), one) == out.end()) out.push_back(one);
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return out;
}

std::string class_name(const TaskClass& c) {
  std::string out;
  for (const std::string& v : c.values)
    out += (out.empty() ? "" : ", ") + v;
  return out;
}

TaskClassReport build_task_classes(const std::vector<TaskRecord>& tasks,
                                   const std::vector<TaskCost>& task_costs,
                                   const std::vector<TaskCost>& epic_costs,
                                   const TaskClassOptions& o) {
  TaskClassReport out;
  out.since_ms = o.since_ms;
  out.until_ms = o.until_ms;
  out.by = o.by;
  out.outlier_factor = o.outlier_factor;
  std::unordered_map<std::string, const TaskCost*> cost_of, epic_cost_of;
  for (const TaskCost& c : task_costs)
    cost_of[c.key] = &c;
  for (const TaskCost& c : epic_costs)
    epic_cost_of[c.key] = &c;
  std::vector<TaskCost> resolved;  // the range's tasks with their costs
  std::vector<const TaskRecord*> records;
  for (const TaskRecord& t : tasks) {
    if (!resolved_in(t, o)) continue;
    const bool epic = ascii_lower(t.issue_type) == "epic";
    auto found = (epic ? epic_cost_of : cost_of).find(t.key);
    TaskCost c = found != (epic ? epic_cost_of : cost_of).end() ? *found->second : TaskCost{};
    c.key = t.key;
    c.epic = t.epic;
    c.cycle_ms =
        t.created_ms > 0 && t.created_ms <= t.resolved_ms ? t.resolved_ms - t.created_ms : 0;
    if (epic) {
      out.epics.push_back(std::move(c));
    } else {
      resolved.push_back(std::move(c));
      records.push_back(&t);
    }
  }
  out.tasks = static_cast<int64_t>(resolved.size());
  // Each task into every class its values make.
  std::map<std::vector<std::string>, std::vector<const TaskCost*>> members;
  for (size_t i = 0; i < resolved.size(); ++i) {
    std::vector<std::vector<std::string>> combos{{}};
    for (const std::string& d : o.by) {
      std::vector<std::vector<std::string>> next;
      for (const std::vector<std::string>& prefix : combos)
        for (const std::string& v : values_of(*records[i], d)) {
          next.push_back(prefix);
          next.back().push_back(v);
        }
      combos = std::move(next);
    }
    for (std::vector<std::string>& values : combos)
      members[std::move(values)].push_back(&resolved[i]);
  }
  for (auto& [values, list] : members) {
    std::sort(list.begin(), list.end(), [](const TaskCost* a, const TaskCost* b) {
      return a->cost_nanos != b->cost_nanos ? a->cost_nanos > b->cost_nanos : a->key < b->key;
    });
    TaskClass c;
    c.values = values;
    std::vector<int64_t> costs, cycles, leads;
    for (const TaskCost* t : list) {
      c.tasks.push_back(t->key);
      costs.push_back(t->cost_nanos);
      c.commits += t->commits;
      c.merged_prs += t->merged_prs;
      c.bugs += t->bugs;
      c.lines_added += t->lines_added;
      c.reworked_lines += t->reworked_lines;
      leads.insert(leads.end(), t->lead_ms.begin(), t->lead_ms.end());
      if (t->cycle_ms > 0) cycles.push_back(t->cycle_ms);
    }
    c.cost = distribution(costs);
    c.cycle_median_ms = percentile_ms(cycles, 50);
    if (c.lines_added > 0)
      c.rework_rate = static_cast<double>(c.reworked_lines) / static_cast<double>(c.lines_added);
    c.shipped_commits = static_cast<int64_t>(leads.size());
    c.lead_median_ms = percentile_ms(leads, 50);
    add_outliers(list, c.cost, class_name(c), o, out.outliers);
    out.classes.push_back(std::move(c));
  }
  by_ratio(out.outliers);
  std::sort(out.epics.begin(), out.epics.end(), [](const TaskCost& a, const TaskCost& b) {
    return a.cost_nanos != b.cost_nanos ? a.cost_nanos > b.cost_nanos : a.key < b.key;
  });
  std::vector<int64_t> epic_costs_list;
  std::vector<const TaskCost*> epic_members;
  for (const TaskCost& e : out.epics) {
    epic_costs_list.push_back(e.cost_nanos);
    epic_members.push_back(&e);
  }
  out.epic_cost = distribution(epic_costs_list);
  add_outliers(epic_members, out.epic_cost, "epics", o, out.epic_outliers);
  by_ratio(out.epic_outliers);
  return out;
}

namespace {

// Per task key, the lead times of the commits naming it that a successful
// production deployment shipped (docs/DELIVERY.md: each commit is shipped to
// an environment once; to several production environments, the first).
// Lead times need no spend: the deployments are built without it.
Result<std::unordered_map<std::string, std::vector<int64_t>>> lead_times_by_task(
    const DeliveryRows& rows, const report::CommitFacts& commits,
    const DeliverySettings& settings) {
  auto options = delivery_options(settings, 0, INT64_MAX);
  if (!options) return options.error();
  const DeliveryReport delivery = build_delivery(rows, commits, {}, *options);
  std::unordered_map<std::string, int64_t> lead_of;  // sha -> lead
  for (const DeploymentView& v : delivery.deployments) {
    if (!v.production || v.outcome != "success") continue;
    for (const DeployedCommit& c : v.commits) {
      auto [it, fresh] = lead_of.emplace(c.sha, v.at_ms - c.time_ms);
      if (!fresh) it->second = std::min(it->second, v.at_ms - c.time_ms);
    }
  }
  std::unordered_map<std::string, std::vector<int64_t>> out;
  std::set<std::string> seen;  // a commit from a tracker and a push counts once
  auto add = [&](const std::string& sha, const std::string& keys) {
    auto lead = lead_of.find(sha);
    if (lead == lead_of.end() || !seen.insert(sha).second) return;
    for (const std::string& task : report::attributed_tasks(keys))
      out[task].push_back(lead->second);
  };
  for (const CommitRecord& c : commits.commits)
    add(c.sha, c.task_keys);
  for (const PushedCommitRow& p : rows.pushed)
    add(p.sha, p.task_keys);
  return out;
}

}  // namespace

Result<TaskClassReport> task_class_report(Store& store, const TaskClassOptions& options,
                                          const DeliverySettings& delivery) {
  auto rows = store.load_delivery();
  if (!rows) return rows.error();
  // The whole store's spend and outcomes by task and by epic.
  auto costs = [&store, &delivery](report::Dimension d) -> Result<std::vector<TaskCost>> {
    report::ReportQuery q;
    q.group_by = {d};
    q.outcomes = true;
    q.count_merge_commits = delivery.count_merge_commits;
    auto r = build_report(store, q);
    if (!r) return r.error();
    std::vector<TaskCost> out;
    for (const report::ReportNode& n : r->root.children) {
      TaskCost c;
      c.key = n.key;
      c.cost_nanos = n.metrics.cost(q.cost_basis);
      c.commits = n.metrics.outcomes.commits;
      c.merged_prs = n.metrics.outcomes.merged_prs;
      c.lines_added = n.metrics.outcomes.lines_added;
      c.reworked_lines = n.metrics.outcomes.reworked_lines;
      out.push_back(std::move(c));
    }
    return out;
  };
  auto by_task = costs(report::Dimension::kTask);
  if (!by_task) return by_task.error();
  auto by_epic = costs(report::Dimension::kEpic);
  if (!by_epic) return by_epic.error();
  auto commits = store.load_commits(INT64_MIN, INT64_MAX);
  if (!commits) return commits.error();
  auto leads = lead_times_by_task(*rows, *commits, delivery);
  if (!leads) return leads.error();
  // The bugs each task caused (docs/DELIVERY.md, "Bugs": cause links from
  // either side).
  std::unordered_map<std::string, std::set<std::string>> bugs_of;
  std::set<std::string> bugs;
  for (const TaskRecord& t : rows->tasks)
    if (!t.deleted && ascii_lower(t.issue_type) == "bug") bugs.insert(t.key);
  for (const TaskRecord& t : rows->tasks) {
    if (bugs.count(t.key))
      for (const std::string& cause : t.caused_by)
        bugs_of[cause].insert(t.key);
    for (const std::string& b : t.causes)
      if (bugs.count(b)) bugs_of[t.key].insert(b);
  }
  std::set<std::string> have;
  for (TaskCost& c : *by_task) {
    have.insert(c.key);
    auto it = bugs_of.find(c.key);
    if (it != bugs_of.end()) c.bugs = static_cast<int64_t>(it->second.size());
    auto lead = leads->find(c.key);
    if (lead != leads->end()) c.lead_ms = lead->second;
  }
  // Tasks the report by task has no node for (no spend, no commit it counts).
  for (const auto& [task, list] : bugs_of)
    if (have.insert(task).second) {
      TaskCost c;
      c.key = task;
      c.bugs = static_cast<int64_t>(list.size());
      by_task->push_back(std::move(c));
    }
  for (const auto& [task, list] : *leads)
    if (have.insert(task).second) {
      TaskCost c;
      c.key = task;
      c.lead_ms = list;
      by_task->push_back(std::move(c));
    }
  return build_task_classes(rows->tasks, *by_task, *by_epic, options);
}

namespace {

void write_distribution(JsonWriter& w, const CostDistribution& d) {
  w.field("tasks", d.count);
  write_money(w, "cost_usd", "cost_nanos", d.total_nanos);
  write_money(w, "median_usd", "median_nanos", d.median_nanos);
  write_money(w, "p75_usd", "p75_nanos", d.p75_nanos);
  write_money(w, "p90_usd", "p90_nanos", d.p90_nanos);
}

void write_hours(JsonWriter& w, const char* name, const std::optional<int64_t>& ms) {
  if (ms)
    w.field(name, static_cast<double>(*ms) / 3'600'000.0);
  else
    w.key(name).null();
}

void write_outliers(JsonWriter& w, const char* name, const std::vector<CostOutlier>& v) {
  w.key(name).begin_array();
  for (const CostOutlier& o : v) {
    w.begin_object().field("key", o.key).field("of", o.of);
    write_money(w, "cost_usd", "cost_nanos", o.cost_nanos);
    write_money(w, "median_usd", "median_nanos", o.median_nanos);
    w.field("ratio", o.ratio).end_object();
  }
  w.end_array();
}

std::string usd(int64_t nanos) {
  return "$" + format_usd(nanos, 2);
}

std::string outlier_line(const CostOutlier& o) {
  char ratio[32];
  std::snprintf(ratio, sizeof ratio, "%.1f", o.ratio);
  return o.key + " cost " + ratio + "x the median of " +
         (o.of == "epics" ? std::string("the epics") : "its class (" + o.of + ")") + ": " +
         usd(o.cost_nanos) + " against " + usd(o.median_nanos) + "\n";
}

}  // namespace

std::string task_class_json(const TaskClassReport& r) {
  std::string out;
  JsonWriter w(out);
  w.begin_object()
      .field("since", format_iso8601_utc_ms(r.since_ms))
      .field("until", format_iso8601_utc_ms(r.until_ms))
      .key("by")
      .begin_array();
  for (const std::string& b : r.by)
    w.value(b);
  w.end_array().field("outlier_factor", r.outlier_factor).field("tasks", r.tasks);
  w.key("classes").begin_array();
  for (const TaskClass& c : r.classes) {
    w.begin_object().key("class").begin_object();
    for (size_t i = 0; i < c.values.size() && i < r.by.size(); ++i)
      w.field(r.by[i].c_str(), c.values[i]);
    w.end_object();
    write_distribution(w, c.cost);
    w.field("commits", c.commits).field("merged_prs", c.merged_prs).field("bugs", c.bugs);
    write_hours(w, "cycle_time_hours", c.cycle_median_ms);
    w.field("lines_added", c.lines_added).field("reworked_lines", c.reworked_lines);
    if (c.rework_rate)
      w.field("rework_rate", *c.rework_rate);
    else
      w.key("rework_rate").null();
    w.field("shipped_commits", c.shipped_commits);
    write_hours(w, "lead_time_hours", c.lead_median_ms);
    w.key("keys").begin_array();
    for (const std::string& k : c.tasks)
      w.value(k);
    w.end_array().end_object();
  }
  w.end_array();
  write_outliers(w, "outliers", r.outliers);
  w.key("epics").begin_object();
  write_distribution(w, r.epic_cost);
  w.key("list").begin_array();
  for (const TaskCost& e : r.epics) {
    w.begin_object().field("key", e.key);
    write_money(w, "cost_usd", "cost_nanos", e.cost_nanos);
    w.field("commits", e.commits)
        .field("merged_prs", e.merged_prs)
        .field("lines_added", e.lines_added)
        .field("reworked_lines", e.reworked_lines)
        .end_object();
  }
  w.end_array();
  write_outliers(w, "outliers", r.epic_outliers);
  w.end_object().end_object();
  return out;
}

std::string task_class_table(const TaskClassReport& r) {
  std::string out =
      "class                                     tasks  median     p75        p90    "
      "    commits  PRs  bugs  rework  lead time\n";
  char line[512];
  for (const TaskClass& c : r.classes) {
    char rework[16] = "-", lead[32] = "-";
    if (c.rework_rate) std::snprintf(rework, sizeof rework, "%.1f%%", *c.rework_rate * 100.0);
    if (c.lead_median_ms)
      std::snprintf(lead, sizeof lead, "%.1f h", static_cast<double>(*c.lead_median_ms) / 3.6e6);
    std::snprintf(
        line, sizeof line, "%-41s %5lld  %-9s  %-9s  %-9s  %7lld  %3lld  %4lld  %6s  %s\n",
        class_name(c).c_str(), static_cast<long long>(c.cost.count),
        usd(c.cost.median_nanos).c_str(), usd(c.cost.p75_nanos).c_str(),
        usd(c.cost.p90_nanos).c_str(), static_cast<long long>(c.commits),
        static_cast<long long>(c.merged_prs), static_cast<long long>(c.bugs), rework, lead);
    out += line;
  }
  if (r.classes.empty()) out += "(no task resolved in the range)\n";
  std::snprintf(line, sizeof line, "\nepics %lld: median %s, p75 %s, p90 %s\n",
                static_cast<long long>(r.epic_cost.count), usd(r.epic_cost.median_nanos).c_str(),
                usd(r.epic_cost.p75_nanos).c_str(), usd(r.epic_cost.p90_nanos).c_str());
  out += line;
  if (!r.outliers.empty() || !r.epic_outliers.empty()) out += "\noutliers:\n";
  for (const CostOutlier& o : r.outliers)
    out += outlier_line(o);
  for (const CostOutlier& o : r.epic_outliers)
    out += outlier_line(o);
  return out;
}

}  // namespace codepulse::collector
