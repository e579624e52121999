// Task classes from a real store, both kinds (docs/DELIVERY.md, "Task
// classes"): the rework and the lead time to production of each class's
// commits, from trackers' commits, a push no tracker sent, Jira's tasks and
// generic deployments, counted by hand.
#include <catch2/catch.hpp>

#include "collector/ingest/delivery_endpoint.hpp"
#include "collector/report/task_class_report.hpp"
#include "collector/store/store.hpp"
#include "common/time.hpp"
#include "tests/support/commit_batch.hpp"
#include "tests/support/store_targets.hpp"
#include "tests/support/test_support.hpp"

using namespace codepulse;
using namespace codepulse::collector;
using codepulse::test::TempDir;

namespace {

constexpr const char* kRepo = "github.com/acme/api";
constexpr const char* kDev = "dev@acme.example";
constexpr int64_t kHour = 3'600'000;

int64_t at(const char* iso) {
  return *parse_iso8601_utc_ms(iso);
}

std::string sha_of(char digit) {
  return std::string(40, digit);
}

// A tracker's commit at `iso` naming `keys`, child of `parent`, adding
// `added` lines to `path`.
CommitRecord commit(char digit, char parent, const char* iso, const std::string& keys,
                    const std::string& path, int64_t added) {
  CommitRecord c;
  c.repo = kRepo;
  c.sha = sha_of(digit);
  c.parents = {sha_of(parent)};
  c.author_email = c.committer_email = kDev;
  c.author_ms = c.committer_ms = at(iso);
  c.branch = "main";
  c.task_keys = keys;
  CommitFile f;
  f.path = path;
  f.added = added;
  c.files = {f};
  return c;
}

proto::DecodedBatch batch(const std::vector<CommitRecord>& commits) {
  return test::commit_batch({.author = kDev, .created_ms = at("2026-03-02T18:00:00Z")}, commits);
}

TaskRecord story(const std::string& key, int64_t points_milli, const std::string& component,
                 const char* resolved) {
  TaskRecord t;
  t.key = key;
  t.issue_type = "Story";
  t.status = "Done";
  t.story_points_milli = points_milli;
  t.components = {component};
  t.created_ms = at("2026-03-01T09:00:00Z");
  t.updated_ms = t.resolved_ms = at(resolved);
  return t;
}

void deploy(Store& store, const std::string& id, const char* environment, char sha,
            const char* status, const char* iso) {
  const std::string body = std::string(R"({"id":")") + id + R"(","repo":")" + kRepo +
                           R"(","environment":")" + environment + R"(","sha":")" + sha_of(sha) +
                           R"(","status":")" + status + R"(","at":")" + iso + "\"}";
  auto d = parse_generic_deployment(body, at(iso));
  INFO(body);
  REQUIRE(d);
  REQUIRE(store.apply_webhook(*d));
}

const TaskClass& class_named(const TaskClassReport& r, const std::string& name) {
  for (const TaskClass& c : r.classes)
    if (class_name(c) == name) return c;
  FAIL("no class " << name);
  return r.classes.front();
}

}  // namespace

TEST_CASE("task classes: rework and lead time to production per class, from a store",
          "[delivery][tasks]") {
  TempDir dir;
  CODEPULSE_STORE_TARGET(target, dir);
  auto opened = open_store(target.db);
  REQUIRE(opened);
  Store& store = **opened;

  // The tracker's commits on 2 March, one chain: A (PROJ-1, 40 lines), B
  // (PROJ-2, 20), C (PROJ-3, 50), R (PROJ-2, 5 lines, rewriting 10 of A's).
  CommitRecord r = commit('e', 'c', "2026-03-02T12:00:00Z", "PROJ-2", "src/a.py", 5);
  r.reworked = {{sha_of('a'), "src/a.py", 10, -1}};
  REQUIRE(store.ingest(
      kDev, batch({commit('a', '0', "2026-03-02T09:00:00Z", "PROJ-1", "src/a.py", 40),
                   commit('b', 'a', "2026-03-02T10:00:00Z", "PROJ-2", "src/b.py", 20),
                   commit('c', 'b', "2026-03-02T11:00:00Z", "PROJ-3", "src/c.py", 50), r})));
  // D (PROJ-1), R's child, pushed from another laptop: no tracker sent it.
  WebhookDelivery push;
  push.source = "github";
  push.delivery_id = "push-1";
  push.received_ms = at("2026-03-02T13:30:00Z");
  push.event.kind = WebhookEvent::kPush;
  push.event.event = "push";
  push.event.repo = kRepo;
  push.event.pusher = "github:dev";
  PushedCommit d;
  d.branch = "main";
  d.sha = sha_of('d');
  d.time_ms = at("2026-03-02T13:00:00Z");
  d.author_email = kDev;
  d.parent_sha = sha_of('e');
  d.task_keys = "PROJ-1";
  push.event.commits = {d};
  REQUIRE(store.apply_webhook(push));

  // Jira: PROJ-1 and PROJ-2 are 3-point billing stories, PROJ-3 a 5-point api
  // story, all resolved in March.
  REQUIRE(store.upsert_tasks({story("PROJ-1", 3000, "billing", "2026-03-05T00:00:00Z"),
                              story("PROJ-2", 3000, "billing", "2026-03-06T00:00:00Z"),
                              story("PROJ-3", 5000, "api", "2026-03-06T00:00:00Z")}));

  // Deployments: staging gets C at 11:30 (not production); production gets
  // B at 14:00 (shipping A and B), a failed attempt at C at 12:30 (ships
  // nothing), then D on 3 March at 13:00 (shipping C, R and D).
  deploy(store, "stage-1", "staging", 'c', "success", "2026-03-02T11:30:00Z");
  deploy(store, "prod-0", "production", 'c', "failure", "2026-03-02T12:30:00Z");
  deploy(store, "prod-1", "production", 'b', "success", "2026-03-02T14:00:00Z");
  deploy(store, "prod-2", "production", 'd', "success", "2026-03-03T13:00:00Z");

  TaskClassOptions o;
  o.since_ms = at("2026-03-01T00:00:00Z");
  o.until_ms = at("2026-04-01T00:00:00Z");
  auto report = task_class_report(store, o, DeliverySettings{});
  REQUIRE(report);
  CHECK(report->tasks == 3);
  REQUIRE(report->classes.size() == 2);
  // Story, 3 points, billing: A, D (PROJ-1) and B, R (PROJ-2): 4 commits,
  // 40 + 0 + 20 + 5 = 65 lines added, 10 of A's reworked by R; leads A 5 h,
  // B 4 h, R 25 h, D 24 h: median 14.5 h.
  const TaskClass& billing = class_named(*report, "Story, 3 points, billing");
  CHECK(billing.commits == 4);
  CHECK(billing.lines_added == 65);
  CHECK(billing.reworked_lines == 10);
  REQUIRE(billing.rework_rate);
  CHECK(*billing.rework_rate == Approx(10.0 / 65.0));
  CHECK(billing.shipped_commits == 4);
  REQUIRE(billing.lead_median_ms);
  CHECK(*billing.lead_median_ms == 14 * kHour + kHour / 2);
  // Story, 5 points, api: C, 50 lines, none reworked; shipped by prod-2 at
  // 26 h (staging and the failed attempt do not count).
  const TaskClass& api = class_named(*report, "Story, 5 points, api");
  CHECK(api.commits == 1);
  CHECK(api.lines_added == 50);
  REQUIRE(api.rework_rate);
  CHECK(*api.rework_rate == Approx(0.0));
  REQUIRE(api.lead_median_ms);
  CHECK(*api.lead_median_ms == 26 * kHour);
  const std::string json = task_class_json(*report);
  CHECK(json.find("\"lines_added\":65,\"reworked_lines\":10,\"rework_rate\":0.1538") !=
        std::string::npos);
  CHECK(json.find("\"shipped_commits\":4,\"lead_time_hours\":14.5") != std::string::npos);
  CHECK(json.find("\"shipped_commits\":1,\"lead_time_hours\":26") != std::string::npos);
  CHECK(task_class_table(*report).find("15.4%  14.5 h") != std::string::npos);

  // With staging counted as production, C is first shipped at 11:30: 0.5 h.
  DeliverySettings staging;
  staging.production_environments = "production,staging";
  auto both = task_class_report(store, o, staging);
  REQUIRE(both);
  const TaskClass& api_both = class_named(*both, "Story, 5 points, api");
  REQUIRE(api_both.lead_median_ms);
  CHECK(*api_both.lead_median_ms == kHour / 2);

  // Before any production deployment shipped them, no lead time: a class
  // without one says null.
  TaskClassOptions feb = o;
  feb.since_ms = at("2026-02-01T00:00:00Z");
  feb.until_ms = at("2026-03-05T12:00:00Z");  // PROJ-1 only
  REQUIRE(store.upsert_tasks({story("PROJ-9", 8000, "api", "2026-03-04T00:00:00Z")}));
  auto early = task_class_report(store, feb, DeliverySettings{});
  REQUIRE(early);
  const TaskClass& nine = class_named(*early, "Story, 8 points, api");
  CHECK(nine.commits == 0);
  CHECK_FALSE(nine.rework_rate);
  CHECK_FALSE(nine.lead_median_ms);
  CHECK(task_class_json(*early).find("\"rework_rate\":null,\"shipped_commits\":0,"
                                     "\"lead_time_hours\":null") != std::string::npos);
}
