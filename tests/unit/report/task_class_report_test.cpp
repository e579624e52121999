// Task classes (docs/DELIVERY.md, "Task classes"): the tasks Jira resolved
// in a range grouped by type, story points and component, their cost
// distribution and outliers, and epics compared with each other, counted by
// hand.
#include "collector/report/task_class_report.hpp"

#include <catch2/catch.hpp>

#include "common/time.hpp"

using namespace codepulse;
using namespace codepulse::collector;

namespace {

constexpr int64_t kUsd = 1'000'000'000;

int64_t at(const char* iso) {
  return *parse_iso8601_utc_ms(iso);
}

TaskRecord story(const std::string& key, int64_t points_milli, std::vector<std::string> components,
                 const char* resolved) {
  TaskRecord t;
  t.key = key;
  t.issue_type = "Story";
  t.status = "Done";
  t.story_points_milli = points_milli;
  t.components = std::move(components);
  t.resolved_ms = resolved ? at(resolved) : 0;
  return t;
}

TaskCost cost(const std::string& key, int64_t nanos, int64_t commits = 0, int64_t bugs = 0) {
  TaskCost c;
  c.key = key;
  c.cost_nanos = nanos;
  c.commits = commits;
  c.bugs = bugs;
  return c;
}

}  // namespace

TEST_CASE("task classes: cost median, p75, p90 and outliers per class, epics compared",
          "[delivery][tasks]") {
  std::vector<TaskRecord> tasks{
      story("PROJ-1", 3000, {"billing"}, "2026-03-03T00:00:00Z"),
      story("PROJ-2", 3000, {"billing"}, "2026-03-04T00:00:00Z"),
      story("PROJ-3", 3000, {"billing"}, "2026-03-05T00:00:00Z"),
      story("PROJ-812", 3000, {"billing"}, "2026-03-06T00:00:00Z"),
      story("PROJ-5", 5000, {"api"}, "2026-03-06T00:00:00Z"),
      story("PROJ-6", 3000, {"billing"}, "2026-02-20T00:00:00Z"),  // resolved before the range
      story("PROJ-7", 3000, {"billing"}, "2026-03-06T00:00:00Z"),  // deleted
      story("PROJ-8", 3000, {"billing"}, nullptr),                 // not resolved
  };
  tasks[0].created_ms = at("2026-03-01T00:00:00Z");  // 48 hours to resolve
  tasks[6].deleted = true;
  for (const char* key : {"PROJ-100", "PROJ-101", "PROJ-102", "PROJ-103"}) {
    TaskRecord e;
    e.key = key;
    e.issue_type = "Epic";
    e.resolved_ms = at("2026-03-10T00:00:00Z");
    tasks.push_back(e);
  }
  std::vector<TaskCost> costs{cost("PROJ-1", 2 * kUsd, 3, 1), cost("PROJ-2", 3 * kUsd, 2),
                              cost("PROJ-3", 4 * kUsd, 1),    cost("PROJ-812", 14'350'000'000, 9),
                              cost("PROJ-5", 1 * kUsd),       cost("PROJ-6", 50 * kUsd),
                              cost("PROJ-7", 50 * kUsd)};
  // Rework and lead times: PROJ-1 80 lines, 20 reworked, commits shipped at
  // 2 h and 10 h; PROJ-812 120 lines, 10 reworked, one at 30 h; PROJ-6
  // (outside the range) would change both.
  costs[0].lines_added = 80;
  costs[0].reworked_lines = 20;
  costs[0].lead_ms = {2 * 3'600'000LL, 10 * 3'600'000LL};
  costs[3].lines_added = 120;
  costs[3].reworked_lines = 10;
  costs[3].lead_ms = {30 * 3'600'000LL};
  costs[5].lines_added = 1000;
  costs[5].reworked_lines = 1000;
  costs[5].lead_ms = {1};
  const std::vector<TaskCost> epics{cost("PROJ-100", 10 * kUsd), cost("PROJ-101", 20 * kUsd),
                                    cost("PROJ-102", 30 * kUsd), cost("PROJ-103", 100 * kUsd)};
  TaskClassOptions o;
  o.since_ms = at("2026-03-01T00:00:00Z");
  o.until_ms = at("2026-04-01T00:00:00Z");
  const TaskClassReport r = build_task_classes(tasks, costs, epics, o);
  CHECK(r.tasks == 5);
  REQUIRE(r.classes.size() == 2);
  // Classes by their values: {"Story", "3 points", "billing"} first.
  const TaskClass& billing = r.classes[0];
  const TaskClass& five = r.classes[1];
  CHECK(class_name(billing) == "Story, 3 points, billing");
  CHECK(billing.tasks == std::vector<std::string>{"PROJ-812", "PROJ-3", "PROJ-2", "PROJ-1"});
  CHECK(billing.cost.count == 4);
  CHECK(billing.cost.total_nanos == 23'350'000'000);
  CHECK(billing.cost.median_nanos == 3'500'000'000);  // (3 + 4) / 2
  CHECK(billing.cost.p75_nanos == 6'587'500'000);     // 4 + 0.25 x 10.35
  CHECK(billing.cost.p90_nanos == 11'245'000'000);    // 4 + 0.7 x 10.35
  CHECK(billing.commits == 15);
  CHECK(billing.bugs == 1);
  REQUIRE(billing.cycle_median_ms);
  CHECK(*billing.cycle_median_ms == 48 * 3'600'000LL);
  CHECK(billing.lines_added == 200);
  CHECK(billing.reworked_lines == 30);
  REQUIRE(billing.rework_rate);
  CHECK(*billing.rework_rate == Approx(0.15));
  CHECK(billing.shipped_commits == 3);
  REQUIRE(billing.lead_median_ms);
  CHECK(*billing.lead_median_ms == 10 * 3'600'000LL);  // of 2, 10 and 30 h
  CHECK(class_name(five) == "Story, 5 points, api");
  CHECK(five.cost.count == 1);
  CHECK_FALSE(five.cycle_median_ms);
  CHECK_FALSE(five.rework_rate);  // no line added
  CHECK(five.shipped_commits == 0);
  CHECK_FALSE(five.lead_median_ms);
  // PROJ-812: 14.35 / 3.5 = 4.1 times its class's median; the one-task class
  // names no outlier.
  REQUIRE(r.outliers.size() == 1);
  CHECK(r.outliers[0].key == "PROJ-812");
  CHECK(r.outliers[0].of == "Story, 3 points, billing");
  CHECK(r.outliers[0].ratio == Approx(4.1));
  CHECK(task_class_table(r).find("PROJ-812 cost 4.1x the median of its class (Story, 3 points, "
                                 "billing): $14.35 against $3.50") != std::string::npos);
  // Epics: 10, 20, 30, 100: median 25, PROJ-103 at 4x.
  CHECK(r.epic_cost.count == 4);
  CHECK(r.epic_cost.median_nanos == 25 * kUsd);
  REQUIRE(r.epic_outliers.size() == 1);
  CHECK(r.epic_outliers[0].key == "PROJ-103");
  CHECK(r.epic_outliers[0].ratio == Approx(4.0));
  CHECK(r.epics[0].key == "PROJ-103");

  // By type alone: one class of five, median 3, PROJ-812 at 4.78x; a factor
  // of 5 names none.
  o.by = {"type"};
  const TaskClassReport by_type = build_task_classes(tasks, costs, epics, o);
  REQUIRE(by_type.classes.size() == 1);
  CHECK(by_type.classes[0].cost.median_nanos == 3 * kUsd);
  REQUIRE(by_type.outliers.size() == 1);
  CHECK(by_type.outliers[0].ratio == Approx(14.35 / 3));
  o.outlier_factor = 5;
  CHECK(build_task_classes(tasks, costs, epics, o).outliers.empty());

  // A task in two components is in both classes; no component is a class.
  tasks[4].components = {"api", "billing"};
  tasks[4].story_points_milli = 3000;
  tasks[1].components.clear();
  o = TaskClassOptions{};
  o.since_ms = at("2026-03-01T00:00:00Z");
  o.until_ms = at("2026-04-01T00:00:00Z");
  const TaskClassReport multi = build_task_classes(tasks, costs, epics, o);
  std::vector<std::string> names;
  for (const TaskClass& c : multi.classes)
    names.push_back(class_name(c) + " " + std::to_string(c.cost.count));
  CHECK(names == std::vector<std::string>{"Story, 3 points, (no component) 1",
                                          "Story, 3 points, api 1", "Story, 3 points, billing 4"});

  CHECK(parse_class_by("points, label")->size() == 2);
  auto bad = parse_class_by("type,colour");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message ==
        "by: 'colour' is not one of type, points, component, label, priority");
}
