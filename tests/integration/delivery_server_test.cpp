// Deployments, failures and the delivery metrics (docs/DELIVERY.md) on a real
// collector over HTTPS, on both stores: a scripted sequence of GitHub pushes,
// GitHub and generic deployments, a revert, a failed status, a hotfix and a
// PagerDuty incident, every number worked out by hand below; forged
// signatures refused, redeliveries counted once, bad bodies refused with the
// field named; and the commit counting rules (merge commits, commits only a
// push named) in reports.
#include <simdjson.h>
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <map>
#include <tuple>

#include "collector/ingest/webhook_signature.hpp"
#include "collector/report/store_report.hpp"
#include "collector/store/store.hpp"
#include "common/hashing.hpp"
#include "common/time.hpp"
#include "tests/support/collector_fixture.hpp"
#include "tests/support/store_targets.hpp"
#include "tests/support/tls_peer.hpp"

using namespace codepulse;
using namespace codepulse::test;

namespace {

const std::string kA(40, 'a'), kB(40, 'b'), kM(40, 'e'), kC(40, 'c'), kR(40, 'd'), kH(40, 'f'),
    kUnknown(40, '9');

int64_t at(const char* iso) {
  auto ms = parse_iso8601_utc_ms(iso);
  REQUIRE(ms);
  return *ms;
}

// A push as GitHub sends it: commits oldest first, each {id, message,
// timestamp, author, committer}.
struct Pushed {
  std::string sha, message, time, committer = "dev@acme.example";
};
std::string github_push(const std::string& branch, const std::string& before,
                        const std::vector<Pushed>& commits) {
  std::string out = "{\"ref\": \"refs/heads/" + branch + "\", \"before\": \"" + before +
                    "\", \"after\": \"" + commits.back().sha +
                    "\", \"repository\": {\"id\": 1, \"name\": \"API\", \"full_name\": "
                    "\"Acme/API\"}, \"pusher\": {\"name\": \"dev\", \"email\": "
                    "\"dev@acme.example\"}, \"sender\": {\"login\": \"dev\", \"id\": 7}, "
                    "\"forced\": false, \"commits\": [";
  for (size_t i = 0; i < commits.size(); ++i) {
    const Pushed& c = commits[i];
    out += std::string(i ? ", " : "") + "{\"id\": \"" + c.sha + "\", \"tree_id\": \"" + kUnknown +
           "\", \"distinct\": true, \"message\": \"" + c.message + "\", \"timestamp\": \"" +
           c.time + "\", \"url\": \"https://github.com/Acme/API/commit/" + c.sha +
           "\", \"author\": {\"name\": \"Dev\", \"email\": \"dev@acme.example\", \"username\": "
           "\"dev\"}, \"committer\": {\"name\": \"C\", \"email\": \"" +
           c.committer + "\"}, \"added\": [], \"removed\": [], \"modified\": [\"src/x.cpp\"]}";
  }
  return out + "], \"head_commit\": {\"id\": \"" + commits.back().sha + "\"}}";
}

// GitHub's deployment object, and the deployment_status event around it.
std::string github_deployment(int64_t id, const std::string& sha, const std::string& created) {
  return "{\"url\": \"https://api.github.com/repos/Acme/API/deployments/" + std::to_string(id) +
         "\", \"id\": " + std::to_string(id) + ", \"node_id\": \"DE_1\", \"sha\": \"" + sha +
         "\", \"ref\": \"main\", \"task\": \"deploy\", \"payload\": {}, \"original_environment\": "
         "\"production\", \"environment\": \"production\", \"description\": null, \"creator\": "
         "{\"login\": \"deploybot\", \"id\": 9}, \"created_at\": \"" +
         created + "\", \"updated_at\": \"" + created +
         "\", \"transient_environment\": false, \"production_environment\": true}";
}
std::string github_status(int64_t id, const std::string& sha, const std::string& created,
                          const std::string& state, const std::string& when) {
  return "{\"action\": \"created\", \"deployment_status\": {\"url\": \"https://api.github.com/"
         "x\", \"id\": " +
         std::to_string(id * 10) + ", \"state\": \"" + state +
         "\", \"creator\": {\"login\": \"deploybot\"}, \"description\": \"\", \"environment\": "
         "\"production\", \"target_url\": \"\", \"created_at\": \"" +
         when + "\", \"updated_at\": \"" + when +
         "\"}, \"deployment\": " + github_deployment(id, sha, created) +
         ", \"repository\": {\"id\": 1, \"name\": \"API\", \"full_name\": \"Acme/API\"}, "
         "\"sender\": {\"login\": \"deploybot\", \"id\": 9}}";
}

std::string generic(const std::string& id, const std::string& env, const std::string& sha,
                    const std::string& status, const std::string& when) {
  return "{\"id\": \"" + id + "\", \"repo\": \"github.com/acme/api\", \"environment\": \"" + env +
         "\", \"sha\": \"" + sha + "\", \"status\": \"" + status + "\", \"at\": \"" + when + "\"}";
}

// PagerDuty's V3 webhook: an incident.triggered or incident.resolved event.
std::string pagerduty(const std::string& event_id, const std::string& type,
                      const std::string& occurred) {
  return "{\"event\": {\"id\": \"" + event_id + "\", \"event_type\": \"" + type +
         "\", \"resource_type\": \"incident\", \"occurred_at\": \"" + occurred +
         "\", \"agent\": null, \"client\": null, \"data\": {\"id\": \"Q2V5N1F1ABC\", \"type\": "
         "\"incident\", \"self\": \"https://api.pagerduty.com/incidents/Q2V5N1F1ABC\", "
         "\"number\": 42, \"status\": \"" +
         (type == "incident.resolved" ? "resolved" : "triggered") +
         "\", \"incident_key\": \"k\", \"created_at\": \"2026-03-04T08:00:00Z\", \"title\": "
         "\"checkout down\", \"service\": {\"id\": \"PSVC1\", \"type\": \"service_reference\", "
         "\"summary\": \"api\"}, \"urgency\": \"high\"}}}";
}

// The delivery signing secret, and a collector started with it for GitHub's
// webhooks and POST /v1/deployments and /v1/incidents.
const std::string kSecret = "delivery-s3cret-0123456789";
void start_signed(CollectorFixture& c, const TempDir& dir) {
  for (const char* name : {"github.secret", "delivery.secret"}) {
    write_file(dir / name, kSecret + "\n");
    ::chmod((dir / name).c_str(), 0600);
  }
  c.start({"--github-secret-file", dir / "github.secret", "--delivery-secret-file",
           dir / "delivery.secret"});
}

// A GitHub event signed with kSecret, delivery id `id`.
HttpsResponse github_event(const CollectorFixture& c, const std::string& id,
                           const std::string& event, const std::string& body) {
  return https_call(c.port(), c.ca(), "POST", "/v1/webhooks/github",
                    {"X-GitHub-Event: " + event, "X-GitHub-Delivery: " + id,
                     "X-Hub-Signature-256: " + collector::hub_signature(kSecret, body),
                     "Content-Type: application/json"},
                    body);
}

simdjson::dom::element parse(simdjson::dom::parser& p, const std::string& body) {
  simdjson::dom::element e;
  REQUIRE_FALSE(p.parse(body).get(e));
  return e;
}

// The split `name` of environment `env` in a stats answer.
simdjson::dom::element split(simdjson::dom::element stats, const std::string& env,
                             const char* name) {
  simdjson::dom::array environments;
  REQUIRE_FALSE(stats["environments"].get_array().get(environments));
  for (simdjson::dom::element e : environments) {
    std::string_view named;
    if (!e["environment"].get_string().get(named) && named == env) return e[name].value();
  }
  FAIL("no environment " << env);
  return stats;
}

double num(simdjson::dom::element e, const char* key) {
  double d = 0;
  int64_t i = 0;
  if (!e[key].get_double().get(d)) return d;
  REQUIRE_FALSE(e[key].get_int64().get(i));
  return static_cast<double>(i);
}
bool is_null(simdjson::dom::element e, const char* key) {
  return e[key].is_null();
}

}  // namespace

TEST_CASE("delivery metrics from pushes, deployments, a revert, a hotfix and an incident",
          "[collector][server][delivery]") {
  TempDir dir;
  CODEPULSE_STORE_TARGET(store, dir);
  const std::string db = store.postgres() ? store.db : std::string(dir / "collector.db");
  {
    // The tracker sent A (an AI co-author) and B (none); C, R, H and the
    // merge M only a push names.
    auto s = collector::open_store(db);
    REQUIRE(s);
    proto::DecodedBatch batch;
    batch.header.batch_id = "commits-1";
    batch.header.device_id = "laptop";
    batch.header.tracker_version = "0.2.0";
    batch.header.created_ms = at("2026-03-02T12:00:00Z");
    CommitRecord a;
    a.repo = "github.com/acme/api";
    a.sha = kA;
    a.author_email = a.committer_email = "dev@acme.example";
    a.author_ms = a.committer_ms = at("2026-03-02T10:00:00Z");
    a.branch = "main";
    a.ai_coauthor = true;
    a.files = {{"src/cards.cpp", 10, 0, false}};
    CommitRecord b = a;
    b.sha = kB;
    b.parents = {kA};
    b.author_ms = b.committer_ms = at("2026-03-02T11:00:00Z");
    b.ai_coauthor = false;
    b.files = {{"src/checkout.cpp", 4, 1, false}};
    batch.commits = {a, b};
    auto stored = (*s)->ingest("dev@acme.example", batch);
    REQUIRE(stored);
    REQUIRE(stored->commits_new == 2);
  }
  CollectorFixture c(dir / "collector");
  c.use_db(db);
  const std::string viewer = c.token_of(c.token_file("lead@acme.example", "viewer"));
  const std::string& secret = kSecret;
  start_signed(c, dir);
  int delivery = 0;
  auto github = [&](const std::string& event, const std::string& body) {
    return github_event(c, "d-" + std::to_string(++delivery), event, body);
  };
  auto post = [&](const std::string& path, const std::string& body, const std::string& key) {
    return https_call(c.port(), c.ca(), "POST", path,
                      {"X-Codepulse-Signature: " + collector::hub_signature(key, body),
                       "Content-Type: application/json"},
                      body);
  };
  auto get = [&](const std::string& path) {
    return https_call(c.port(), c.ca(), "GET", path, {"Authorization: Bearer " + viewer});
  };

  // Push 1 (a new main): A, B, and M, GitHub's merge button (committer noreply@github.com).
  REQUIRE(github("push", github_push("main", std::string(40, '0'),
                                     {{kA, "Add cards", "2026-03-02T10:00:00Z"},
                                      {kB, "Checkout", "2026-03-02T11:00:00Z"},
                                      {kM, "Merge pull request #5 from acme/cards",
                                       "2026-03-02T11:30:00Z", "noreply@github.com"}}))
              .status == 200);
  // D1: GitHub, M to production at 12:00 (its status first: order does not matter).
  REQUIRE(github("deployment_status",
                 github_status(101, kM, "2026-03-02T11:50:00Z", "success", "2026-03-02T12:00:00Z"))
              .status == 200);
  REQUIRE(github("deployment", "{\"action\": \"created\", \"deployment\": " +
                                   github_deployment(101, kM, "2026-03-02T11:50:00Z") +
                                   ", \"repository\": {\"id\": 1, \"name\": \"API\", "
                                   "\"full_name\": \"Acme/API\"}, \"sender\": {\"login\": \"b\"}}")
              .status == 200);
  // Push 2: C; D2 (generic) ships it at 10:00 the next day.
  REQUIRE(github("push", github_push("main", kM, {{kC, "Add receipts", "2026-03-03T09:00:00Z"}}))
              .status == 200);
  const std::string d2 = generic("ci-2", "production", kC, "success", "2026-03-03T10:00:00Z");
  auto sent = post("/v1/deployments", d2, secret);
  REQUIRE(sent.status == 200);
  CHECK(sent.body.find("\"duplicate\":false") != std::string::npos);
  // The CD system's retry: the same body, counted once.
  auto retried = post("/v1/deployments", d2, secret);
  CHECK(retried.status == 200);
  CHECK(retried.body.find("\"duplicate\":true") != std::string::npos);
  // Push 3: R reverts C; D3 ships it at 12:00: D2 failed (revert), restored in 2 h.
  REQUIRE(github("push", github_push("main", kC,
                                     {{kR,
                                       "Revert \\\"Add receipts\\\"\\n\\nThis reverts commit " +
                                           kC.substr(0, 12) + ".",
                                       "2026-03-03T11:00:00Z"}}))
              .status == 200);
  REQUIRE(post("/v1/deployments",
               generic("ci-3", "production", kR, "success", "2026-03-03T12:00:00Z"), secret)
              .status == 200);
  // D4: GitHub, R again, fails at 13:00 (a failed status).
  REQUIRE(github("deployment_status",
                 github_status(104, kR, "2026-03-03T12:50:00Z", "failure", "2026-03-03T13:00:00Z"))
              .status == 200);
  // Push 4: H on hotfix/login; D5 ships it at 15:00: D3 failed (hotfix,
  // restored in 3 h), D4 restored in 2 h.
  REQUIRE(
      github("push", github_push("hotfix/login", kR, {{kH, "Fix login", "2026-03-03T14:00:00Z"}}))
          .status == 200);
  REQUIRE(post("/v1/deployments",
               generic("ci-5", "production", kH, "success", "2026-03-03T15:00:00Z"), secret)
              .status == 200);
  // Staging got H at 14:30 (every commit but the merge), and a canary an
  // unknown commit.
  REQUIRE(post("/v1/deployments", generic("ci-6", "staging", kH, "success", "2026-03-03T14:30:00Z"),
               secret)
              .status == 200);
  REQUIRE(post("/v1/deployments",
               generic("ci-7", "canary", kUnknown, "success", "2026-03-03T16:00:00Z"), secret)
              .status == 200);
  // A PagerDuty incident 08:00-09:30 on the 4th: D5 failed, restored in 1.5 h.
  for (const auto& [id, type, when] :
       {std::tuple{"01ABC", "incident.triggered", "2026-03-04T08:00:00Z"},
        std::tuple{"01ABD", "incident.resolved", "2026-03-04T09:30:00Z"}}) {
    const std::string body = pagerduty(id, type, when);
    auto r = https_call(c.port(), c.ca(), "POST", "/v1/incidents",
                        {"X-PagerDuty-Signature: v1=" + hmac_sha256_hex(secret, body),
                         "Content-Type: application/json"},
                        body);
    INFO(r.body);
    REQUIRE(r.status == 200);
  }

  SECTION("forged, unsigned and bad deliveries are refused and store nothing") {
    const std::string d9 = generic("ci-9", "production", kH, "success", "2026-03-05T10:00:00Z");
    auto forged = post("/v1/deployments", d9, secret + "x");
    CHECK(forged.status == 401);
    CHECK(forged.body.find("X-Codepulse-Signature") != std::string::npos);
    CHECK(https_call(c.port(), c.ca(), "POST", "/v1/deployments", {}, d9).status == 401);
    const std::string incident = "{\"id\": \"INC-1\", \"resolved_at\": \"2026-03-05T10:00:00Z\"}";
    auto untimed = post("/v1/incidents", incident, secret);
    CHECK(untimed.status == 400);
    CHECK(untimed.body.find("started_at") != std::string::npos);
    CHECK(https_call(c.port(), c.ca(), "POST", "/v1/incidents",
                     {"X-PagerDuty-Signature: v1=" + hmac_sha256_hex(secret + "x", incident)},
                     incident)
              .status == 401);
    auto bad_status =
        post("/v1/deployments", generic("ci-9", "production", kH, "done", "2026-03-05T10:00:00Z"),
             secret);
    CHECK(bad_status.status == 400);
    CHECK(bad_status.body.find("status 'done'") != std::string::npos);
    auto forged_github = https_call(
        c.port(), c.ca(), "POST", "/v1/webhooks/github",
        {"X-GitHub-Event: deployment_status", "X-GitHub-Delivery: forged",
         "X-Hub-Signature-256: " +
             collector::hub_signature("nope", github_status(109, kH, "2026-03-05T10:00:00Z",
                                                            "success", "2026-03-05T10:00:00Z"))},
        github_status(109, kH, "2026-03-05T10:00:00Z", "success", "2026-03-05T10:00:00Z"));
    CHECK(forged_github.status == 401);
    CHECK(db_text(db, "SELECT count(*) FROM deployments") == "7");
    CHECK(db_text(db, "SELECT count(*) FROM incidents") == "1");
  }

  SECTION("stats: frequency, lead time, change failure rate, restore, AI vs other") {
    auto r = get("/v1/deployments/stats?since=2026-03-01&until=2026-03-07");
    INFO(r.body);
    REQUIRE(r.status == 200);
    simdjson::dom::parser p;
    const auto stats = parse(p, r.body);
    // Production: D1..D5 (D4 a failed attempt); failed D2 revert, D3 hotfix,
    // D4 status, D5 incident: 4 of 5.
    const auto all = split(stats, "production", "all");
    CHECK(num(all, "deployments") == 5);
    CHECK(num(all, "failed_deployments") == 4);
    CHECK(num(all, "change_failure_rate") == Approx(0.8));
    CHECK(num(all, "deployments_per_day") == Approx(5.0 / 7.0));
    // Lead times of the shipped commits (the merge M left out): A 2 h, B 1 h,
    // C, R, H 1 h each: median 1 h; p90 at rank 3.6 of [1,1,1,1,2]: 1.6 h.
    CHECK(num(all, "commits") == 5);
    CHECK(num(all, "lead_time_hours") == Approx(1.0));
    CHECK(num(all, "lead_time_hours_p90") == Approx(1.6));
    // Restores 2, 3, 2 and 1.5 h: median 2 h.
    CHECK(num(all, "time_to_restore_hours") == Approx(2.0));
    CHECK(num(all, "ai_cost_per_deployment_nanos") == 0);
    // D1 shipped A (AI); D4 shipped nothing new (other); D2, D3, D5 only
    // commits no tracker sent (unknown).
    const auto ai = split(stats, "production", "ai");
    CHECK(num(ai, "deployments") == 1);
    CHECK(num(ai, "failed_deployments") == 0);
    CHECK(num(ai, "change_failure_rate") == Approx(0.0));
    CHECK(num(ai, "lead_time_hours") == Approx(2.0));
    const auto other = split(stats, "production", "other");
    CHECK(num(other, "deployments") == 1);
    CHECK(num(other, "failed_deployments") == 1);
    CHECK(num(other, "lead_time_hours") == Approx(1.0));  // B, shipped by D1
    const auto unknown = split(stats, "production", "unknown");
    CHECK(num(unknown, "deployments") == 3);
    CHECK(num(unknown, "failed_deployments") == 3);
    CHECK(num(unknown, "commits") == 3);
    // Staging: one deployment of every commit but the merge: A 28.5 h,
    // B 27.5 h, C 5.5 h, R 3.5 h, H 0.5 h.
    const auto staging = split(stats, "staging", "all");
    CHECK(num(staging, "deployments") == 1);
    CHECK(num(staging, "commits") == 5);
    CHECK(num(staging, "lead_time_hours") == Approx(5.5));
    CHECK(num(staging, "change_failure_rate") == Approx(0.0));
    CHECK(is_null(staging, "time_to_restore_hours"));
    // The canary's unknown commit: a deployment without commits.
    const auto canary = split(stats, "canary", "unknown");
    CHECK(num(canary, "deployments") == 1);
    CHECK(num(canary, "commits") == 0);
  }

  SECTION("list: each deployment's commits, failure causes and restore") {
    auto r = get("/v1/deployments?since=2026-03-01&until=2026-03-07");
    INFO(r.body);
    REQUIRE(r.status == 200);
    simdjson::dom::parser p;
    const auto list = parse(p, r.body)["deployments"].get_array().value();
    std::map<std::string, simdjson::dom::element> by_id;
    for (simdjson::dom::element d : list)
      by_id[std::string(d["id"].get_string().value())] = d;
    REQUIRE(by_id.size() == 7);
    CHECK(by_id["101"]["commits"].get_array().value().size() == 2);  // A and B, not M
    CHECK(std::string_view(by_id["101"]["ai"].get_string().value()) == "ai");
    CHECK(std::string_view(
              by_id["ci-2"]["causes"].get_array().value().at(0).value().get_string().value()) ==
          "revert");
    CHECK(num(by_id["ci-2"], "time_to_restore_hours") == Approx(2.0));
    CHECK(std::string_view(
              by_id["ci-3"]["causes"].get_array().value().at(0).value().get_string().value()) ==
          "hotfix");
    CHECK(std::string_view(by_id["104"]["outcome"].get_string().value()) == "failure");
    CHECK(num(by_id["104"], "time_to_restore_hours") == Approx(2.0));
    CHECK(std::string_view(
              by_id["ci-5"]["causes"].get_array().value().at(0).value().get_string().value()) ==
          "incident pagerduty:Q2V5N1F1ABC");
    CHECK(num(by_id["ci-5"], "time_to_restore_hours") == Approx(1.5));
    CHECK_FALSE(by_id["ci-7"]["sha_known"].get_bool().value());
  }

  SECTION("commit counting: merges left out, pushed-only commits counted with AI unknown") {
    auto s = collector::open_store(db);
    REQUIRE(s);
    report::ReportQuery q;
    q.group_by = {report::Dimension::kFile};
    q.outcomes = true;
    q.since_ms = at("2026-03-01T00:00:00Z");
    q.until_ms = at("2026-03-08T00:00:00Z");
    auto excluded = collector::build_report(**s, q);
    REQUIRE(excluded);
    // A, B (the tracker's) and C, R, H (pushes only); M is a merge.
    CHECK(excluded->root.metrics.outcomes.commits == 5);
    CHECK(excluded->root.metrics.outcomes.ai_commits == 1);
    CHECK(excluded->root.metrics.outcomes.ai_unknown_commits == 3);
    CHECK(excluded->root.children.at("(no file)").metrics.outcomes.commits == 3);
    q.count_merge_commits = true;
    auto counted = collector::build_report(**s, q);
    REQUIRE(counted);
    CHECK(counted->root.metrics.outcomes.commits == 6);
    // The merge changed no file of its own: not under "(no file)".
    CHECK(counted->root.children.at("(no file)").metrics.outcomes.commits == 3);
  }
}

namespace {

// GitHub's pull_request event: PR #9 from fix-totals (head `head`), merged
// as `merge` at 12:30 when `merged`, with `labels` (names), updated at `updated`.
std::string github_pull_request(const std::string& action, const std::string& head,
                                const std::string& merge, bool merged,
                                const std::vector<std::string>& labels,
                                const std::string& updated) {
  std::string names;
  for (const std::string& l : labels)
    names += std::string(names.empty() ? "" : ", ") + "{\"id\": 1, \"name\": \"" + l +
             "\", \"color\": \"d73a4a\", \"default\": false}";
  const std::string when = merged ? "\"2026-03-02T12:30:00Z\"" : "null";
  return "{\"action\": \"" + action + "\", \"number\": 9, \"pull_request\": {\"number\": 9, " +
         "\"state\": \"" + (merged ? "closed" : "open") +
         "\", \"title\": \"Correct totals\", \"user\": {\"login\": \"dev\", \"id\": 7}, "
         "\"created_at\": \"2026-03-02T11:45:00Z\", \"updated_at\": \"" +
         updated + "\", \"closed_at\": " + when + ", \"merged_at\": " + when +
         ", \"merge_commit_sha\": " + (merged ? "\"" + merge + "\"" : "null") +
         ", \"draft\": false, \"labels\": [" + names + "], \"head\": {\"ref\": \"fix-totals\", " +
         "\"sha\": \"" + head + "\"}, \"base\": {\"ref\": \"main\", \"sha\": \"" + kA +
         "\"}, \"merged\": " + (merged ? "true" : "false") +
         "}, \"repository\": {\"id\": 1, \"name\": \"API\", \"full_name\": \"Acme/API\"}, "
         "\"sender\": {\"login\": \"dev\", \"id\": 7}}";
}

}  // namespace

TEST_CASE("a pull request labelled hotfix fails the deployment before the one that ships it",
          "[collector][server][delivery]") {
  TempDir dir;
  CODEPULSE_STORE_TARGET(store, dir);
  const std::string db = store.postgres() ? store.db : std::string(dir / "collector.db");
  CollectorFixture c(dir / "collector");
  c.use_db(db);
  const std::string viewer = c.token_of(c.token_file("lead@acme.example", "viewer"));
  start_signed(c, dir);
  int delivery = 0;
  auto github = [&](const std::string& event, const std::string& body) {
    auto r = github_event(c, "l-" + std::to_string(++delivery), event, body);
    INFO(r.body);
    return r.status;
  };
  auto deploy = [&](const std::string& id, const std::string& sha, const std::string& when) {
    const std::string body = generic(id, "production", sha, "success", when);
    return https_call(c.port(), c.ca(), "POST", "/v1/deployments",
                      {"X-Codepulse-Signature: " + collector::hub_signature(kSecret, body),
                       "Content-Type: application/json"},
                      body)
        .status;
  };

  // A on main, deployed at 11:00 (DA). B on the branch fix-totals; the pull
  // request squash-merged as C on main at 12:30, labelled "Hotfix" (any
  // case); DC ships C at 13:00: DA failed (hotfix), restored in 2 h.
  REQUIRE(github("push", github_push("main", std::string(40, '0'),
                                     {{kA, "Add search", "2026-03-02T10:00:00Z"}})) == 200);
  REQUIRE(deploy("ci-a", kA, "2026-03-02T11:00:00Z") == 200);
  REQUIRE(github("push", github_push("fix-totals", kA,
                                     {{kB, "Correct totals", "2026-03-02T11:40:00Z"}})) == 200);
  REQUIRE(github("pull_request", github_pull_request("closed", kB, kC, true, {"Hotfix", "bug"},
                                                     "2026-03-02T12:31:00Z")) == 200);
  // An older event arriving late (its labels before the hotfix label was
  // added) changes nothing: the latest event's labels stand.
  REQUIRE(github("pull_request",
                 github_pull_request("opened", kB, "", false, {}, "2026-03-02T11:45:00Z")) == 200);
  CHECK(db_text(db, "SELECT labels FROM pull_requests WHERE number = 9") == "Hotfix\nbug");
  REQUIRE(github("push",
                 github_push("main", kA, {{kC, "Correct totals (#9)", "2026-03-02T12:30:00Z"}})) ==
          200);
  REQUIRE(deploy("ci-c", kC, "2026-03-02T13:00:00Z") == 200);

  auto r = https_call(c.port(), c.ca(), "GET", "/v1/deployments?since=2026-03-01&until=2026-03-04",
                      {"Authorization: Bearer " + viewer});
  INFO(r.body);
  REQUIRE(r.status == 200);
  simdjson::dom::parser p;
  std::map<std::string, simdjson::dom::element> by_id;
  const auto list = parse(p, r.body)["deployments"].get_array().value();
  for (simdjson::dom::element d : list)
    by_id[std::string(d["id"].get_string().value())] = d;
  REQUIRE(by_id.size() == 2);
  REQUIRE(by_id["ci-a"]["causes"].get_array().value().size() == 1);
  CHECK(std::string_view(
            by_id["ci-a"]["causes"].get_array().value().at(0).value().get_string().value()) ==
        "hotfix");
  CHECK(num(by_id["ci-a"], "time_to_restore_hours") == Approx(2.0));
  CHECK(by_id["ci-c"]["causes"].get_array().value().size() == 0);

  // Other labels name hotfixes: the same history has none.
  const CommandResult other =
      run({collector_bin(), "deployments", "list", "--db", db, "--since", "2026-03-01", "--until",
           "2026-03-04", "--hotfix-labels", "urgent,sev1", "--format", "json"});
  INFO(other.err);
  REQUIRE(other.exit_code == 0);
  CHECK(other.out.find("\"hotfix\"") == std::string::npos);
  const CommandResult same = run({collector_bin(), "deployments", "list", "--db", db, "--since",
                                  "2026-03-01", "--until", "2026-03-04", "--format", "json"});
  REQUIRE(same.exit_code == 0);
  CHECK(same.out.find("\"hotfix\"") != std::string::npos);
}

TEST_CASE("Bitbucket build statuses a deploy rule names are deployments, end to end",
          "[collector][server][delivery][bitbucket]") {
  TempDir dir;
  CODEPULSE_STORE_TARGET(store, dir);
  const std::string db = store.postgres() ? store.db : std::string(dir / "collector.db");
  CollectorFixture c(dir / "collector");
  c.use_db(db);
  const std::string viewer = c.token_of(c.token_file("lead@acme.example", "viewer"));
  write_file(dir / "bitbucket.secret", kSecret + "\n");
  ::chmod((dir / "bitbucket.secret").c_str(), 0600);
  c.start({"--bitbucket-secret-file", dir / "bitbucket.secret"});
  int delivery = 0;
  auto bitbucket = [&](const std::string& key, const std::string& body) {
    auto r = https_call(c.port(), c.ca(), "POST", "/v1/webhooks/bitbucket",
                        {"X-Event-Key: " + key, "X-Request-UUID: bb-" + std::to_string(++delivery),
                         "X-Hub-Signature: " + collector::hub_signature(kSecret, body),
                         "Content-Type: application/json"},
                        body);
    INFO(r.body);
    return r.status;
  };
  auto fixture = [](const std::string& name) {
    return read_file(std::string(CODEPULSE_SOURCE_DIR) + "/tests/fixtures/bitbucket/" + name);
  };
  auto replaced = [](std::string text, const std::string& from, const std::string& to) {
    for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
      text.replace(at, from.size(), to);
    return text;
  };
  const std::string c1 = "3f1c0ffee5a1b2c3d4e5f60718293a4b5c6d7e8f",
                    c2 = "5a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d";
  // The push: C1 (09:00) and C2 (11:00) on 2026-01-05. Pipeline #217
  // deploys C2: in progress at 12:00, successful at 12:06. A unit-test
  // status on C2 is no deployment. Pipeline #218 deploys C2 again at 14:00
  // and fails.
  auto dated = [&](const std::string& file) {
    return replaced(replaced(fixture(file), "2026-03-02T11:00:04", "2026-01-05T12:00:04"),
                    "2026-03-02T11:06:41", "2026-01-05T12:06:41");
  };
  REQUIRE(bitbucket("repo:push", fixture("repo_push.json")) == 200);
  REQUIRE(bitbucket("repo:commit_status_created", dated("repo_commit_status_created.json")) == 200);
  REQUIRE(bitbucket("repo:commit_status_updated", dated("repo_commit_status_updated.json")) == 200);
  REQUIRE(bitbucket("repo:commit_status_created",
                    replaced(replaced(dated("repo_commit_status_created.json"),
                                      ": deploy to production", ": unit tests"),
                             "{9d2f7a10", "{1111aaaa")) == 200);
  const std::string failed =
      replaced(replaced(replaced(replaced(dated("repo_commit_status_updated.json"), "#217", "#218"),
                                 "{9d2f7a10", "{2222bbbb"),
                        "2026-01-05T12:", "2026-01-05T14:"),
               "\"SUCCESSFUL\"", "\"FAILED\"");
  REQUIRE(bitbucket("repo:commit_status_updated", failed) == 200);
  // A redelivery of the success changes nothing.
  const std::string success = dated("repo_commit_status_updated.json");
  auto again = https_call(c.port(), c.ca(), "POST", "/v1/webhooks/bitbucket",
                          {"X-Event-Key: repo:commit_status_updated", "X-Request-UUID: bb-3",
                           "X-Hub-Signature: " + collector::hub_signature(kSecret, success),
                           "Content-Type: application/json"},
                          success);
  CHECK(again.body.find("\"duplicate\":true") != std::string::npos);
  CHECK(db_text(db, "SELECT count(*) FROM deployments") == "2");

  auto r = https_call(c.port(), c.ca(), "GET", "/v1/deployments?since=2026-01-01&until=2026-01-07",
                      {"Authorization: Bearer " + viewer});
  INFO(r.body);
  REQUIRE(r.status == 200);
  simdjson::dom::parser p;
  std::map<std::string, simdjson::dom::element> by_id;
  const simdjson::dom::array list = parse(p, r.body)["deployments"].get_array().value();
  for (simdjson::dom::element d : list)
    by_id[std::string(d["id"].get_string().value())] = d;
  REQUIRE(by_id.size() == 2);
  const std::string first = "status:{9d2f7a10-4c3b-4e8a-b1d2-5e6f7a8b9c0d}@" + c2;
  const std::string second = "status:{2222bbbb-4c3b-4e8a-b1d2-5e6f7a8b9c0d}@" + c2;
  REQUIRE(by_id.count(first) == 1);
  REQUIRE(by_id.count(second) == 1);
  CHECK(std::string_view(by_id[first]["environment"].get_string().value()) == "production");
  CHECK(std::string_view(by_id[first]["outcome"].get_string().value()) == "success");
  CHECK(by_id[first]["commits"].get_array().value().size() == 2);  // C1 and C2, by ancestry
  CHECK(std::string_view(by_id[second]["outcome"].get_string().value()) == "failure");
  CHECK(by_id[second]["commits"].get_array().value().size() == 0);  // shipped before
  (void)c1;
}
