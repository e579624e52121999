// Issue 6's scripted scenario, end to end: a real git repository built here,
// Claude Code sessions that edit its files, the real tracker shipping records
// and commits to a real collector over HTTPS, GitHub and Jira webhooks
// replayed to it, and the report by epic, task and author checked against
// cost, commits, PR cycle time, rework rate and leverage worked out by hand.
#include <simdjson.h>
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <ctime>

#include "collector/ingest/webhook_signature.hpp"
#include "common/record/object_names.hpp"
#include "common/sqlite.hpp"
#include "proto/wire_batch.hpp"
#include "tests/support/collector_fixture.hpp"
#include "tests/support/git_repo.hpp"
#include "tests/support/log_lines.hpp"
#include "tests/support/tls_peer.hpp"
#include "tracker/queue/commit_store.hpp"

using namespace codepulse;
using namespace codepulse::test;

namespace {

constexpr int64_t kHourS = 3600;
constexpr int64_t kHourMs = kHourS * 1000;
const GitPerson kDev{"Dev", "dev@acme.example"};
const GitPerson kTea{"Tea", "tea@acme.example"};

// "2026-03-01T09:00:00Z" (GitHub) or with ".000Z" (Claude Code).
std::string iso(int64_t ms, bool millis) {
  const std::time_t s = static_cast<std::time_t>(ms / 1000);
  std::tm t{};
  ::gmtime_r(&s, &t);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &t);
  return std::string(buf) + (millis ? ".000Z" : "Z");
}

// The scenario's clock: `day` days after the epoch of GitRepoBuilder, at
// `hour` (may be fractional) UTC.
int64_t at_ms(int64_t day, double hour) {
  return GitRepoBuilder::day_ms(day) + static_cast<int64_t>(hour * kHourMs);
}
int64_t second_of(double hour) {
  return static_cast<int64_t>(hour * kHourS);
}

// One request of a session, with a tool call and its result or a text answer.
struct Request {
  double hour;
  std::string tool;           // empty: a text answer
  std::string input;          // the tool's input object
  std::string result = "{}";  // its toolUseResult
};

// claude-opus-4-6 at $5 / $25 / $6.25 (5 min cache write) / $0.50 (cache read)
// per million tokens: 2,000 input = $0.01, 4,000 output = $0.10, 8,000 cache
// writes = $0.05, 100,000 cache reads = $0.05. Each request: $0.21.
constexpr int64_t kRequestNanos = 210'000'000;

std::string session_log(const std::string& id, int64_t day, const std::string& cwd,
                        const std::string& branch, const std::vector<Request>& requests) {
  std::string log;
  const std::string prefix = id.substr(0, 24);  // "aaaaaaaa-1111-4111-8111-"
  int n = 0;
  for (const Request& r : requests) {
    const std::string seq = std::to_string(++n);
    AssistantSpec a;
    a.session_id = id;
    a.message_id = "msg_" + id.substr(0, 8) + "_" + seq;
    a.request_id = "req_" + id.substr(0, 8) + "_" + seq;
    a.uuid = prefix + "00000000000" + seq;
    a.timestamp = iso(at_ms(day, r.hour), true);
    a.cwd = cwd;
    a.branch = branch;
    a.model = "claude-opus-4-6";
    a.input = 2000;
    a.output = 4000;
    a.cache_5m = 8000;
    a.cache_1h = 0;
    a.cache_read = 100000;
    const std::string tool_id = "toolu_" + id.substr(0, 8) + "_" + seq;
    if (!r.tool.empty()) a.tool_json = tool_use_block(tool_id, r.tool, r.input);
    log += assistant_line(a) + "\n";
    if (!r.tool.empty())
      log += tool_result_line(tool_id, "ok", r.result, prefix + "10000000000" + seq) + "\n";
  }
  return log;
}

struct Reply {
  int status = 0;
  std::string body;
  bool has(const std::string& text) const { return body.find(text) != std::string::npos; }
};

Reply send(CollectorFixture& c, const std::string& method, const std::string& target,
           std::vector<std::string> headers, const std::string& body) {
  TlsClient client(c.port(), c.ca());
  if (!body.empty()) headers.push_back("Content-Type: application/json");
  REQUIRE(client.send(http_request(method, target, headers, body)));
  const std::string res = client.read_response(kPatienceMs);
  return {status_of(res), body_of(res)};
}

using Json = simdjson::dom::element;

// A node of a JSON report: `rows` of the top, then `children` down the path.
Json node(Json report, const std::vector<std::string>& path) {
  Json at = report;
  const char* list = "rows";
  for (const std::string& key : path) {
    simdjson::dom::array children;
    REQUIRE_FALSE(at[list].get_array().get(children));
    bool found = false;
    for (Json child : children) {
      std::string_view k;
      if (!child["key"].get_string().get(k) && k == key) {
        at = child;
        found = true;
        break;
      }
    }
    INFO("report path at " << key);
    REQUIRE(found);
    list = "children";
  }
  return at;
}

int64_t integer(Json e, const char* field) {
  int64_t v = -1;
  INFO(field);
  REQUIRE_FALSE(e[field].get_int64().get(v));
  return v;
}

double number(Json e, const char* field) {
  double v = -1;
  INFO(field);
  REQUIRE_FALSE(e[field].get_double().get(v));
  return v;
}

bool is_null(Json e, const char* field) {
  Json v;
  return !e[field].get(v) && v.is_null();
}

// cost_usd and the other dollar fields, in nanodollars.
int64_t nanos(Json e, const char* field) {
  return std::llround(number(e, field) * 1e9);
}

}  // namespace

TEST_CASE("issue 6's scenario: spend next to commits, PRs, rework and leverage by epic",
          "[outcomes][scenario]") {
  TempDir dir;
  // `scan` reads commits of the last 90 days of the real clock: the story
  // happens around day D, ten days ago.
  const int64_t today = (::time(nullptr) - GitRepoBuilder::kEpochS) / 86'400;
  const int64_t D = today - 10;

  // --- The repository -----------------------------------------------------
  GitRepoBuilder repo(dir / "shop");
  repo.git({"remote", "add", "origin", "https://github.com/acme/shop.git"});
  // base, D-30 09:00 on main: 10 + 1 lines; outside B's rework window (21 days).
  repo.write("src/cart.cpp", GitRepoBuilder::numbered_lines("cart ", 10));
  repo.write("README.md", "# shop\n");
  const std::string base = repo.commit("Initial shop", D - 30, second_of(9), kDev);
  repo.git({"checkout", "-q", "-b", "feature/SHOP-1"});
  // A, D 10:00: a new file of 20 lines, written with Claude.
  repo.write("src/checkout.cpp", GitRepoBuilder::numbered_lines("checkout ", 20));
  const std::string a =
      repo.commit("SHOP-1 add checkout\n\nCo-Authored-By: Claude <noreply@anthropic.com>", D,
                  second_of(10), kDev);
  // B, D+2 10:00: lines 1-5 rewritten, 16-20 deleted: +5 -10, all ten A's.
  repo.write("src/checkout.cpp", GitRepoBuilder::numbered_lines("checkout v2 ", 5) +
                                     "checkout 6\ncheckout 7\ncheckout 8\ncheckout 9\n"
                                     "checkout 10\ncheckout 11\ncheckout 12\ncheckout 13\n"
                                     "checkout 14\ncheckout 15\n");
  const std::string b = repo.commit("SHOP-1 rework checkout", D + 2, second_of(10), kDev);
  // C, D+3 12:00: four lines of docs, no trailer, no session near it.
  repo.write("README.md", "# shop\n" + GitRepoBuilder::numbered_lines("docs ", 4));
  const std::string c = repo.commit("SHOP-1 document checkout", D + 3, second_of(12), kDev);
  // T, D+1 15:00 on main, by a teammate: one line of the base rewritten (old:
  // no rework). After A on purpose: `git log --branches --source` names a
  // commit by the branch it first reaches it from, newest first, so were T
  // older than A the base commit (and all history before it) would carry
  // feature/SHOP-1 and join PR #12 by its branch (a known limit).
  repo.git({"checkout", "-q", "main"});
  std::string cart = GitRepoBuilder::numbered_lines("cart ", 10);
  cart.replace(0, 6, "cart one");
  repo.write("src/cart.cpp", cart);
  const std::string t = repo.commit("Tidy the cart", D + 1, second_of(15), kTea);
  repo.git({"checkout", "-q", "feature/SHOP-1"});

  // --- The sessions -------------------------------------------------------
  const std::string root = repo.root();
  const std::string s1 = "aaaaaaaa-1111-4111-8111-000000000001";
  const std::string s2 = "bbbbbbbb-2222-4222-8222-000000000002";
  const std::string s3 = "cccccccc-3333-4333-8333-000000000003";
  const std::string edit =
      R"({"file_path":")" + root + R"(/src/checkout.cpp","old_string":"a","new_string":"b"})";
  const std::string patch = R"({"filePath":")" + root +
                            R"(/src/checkout.cpp","structuredPatch":[{"lines":["+x","-y"]}]})";
  // S1, day D on feature/SHOP-1: edits checkout.cpp, runs a Skill and an MCP
  // tool, and commits A (its `git commit` reports A's short sha): $0.84.
  const std::string commit_out = "[feature/SHOP-1 " + a.substr(0, 7) +
                                 "] SHOP-1 add checkout\n 1 file changed, 20 insertions(+)\n";
  write_file(dir / ("claude/projects/-shop/" + s1 + ".jsonl"),
             session_log(s1, D, root, "feature/SHOP-1",
                         {{9.0, "Edit", edit, patch},
                          {9.25, "Skill", R"({"skill":"tdd"})"},
                          {9.5, "mcp__jira__getIssue", R"({"issueKey":"SHOP-1"})"},
                          {9.75, "Bash", R"({"command":"git commit -m \"SHOP-1 add checkout\""})",
                           R"({"stdout":")" + json_escape(commit_out) +
                               R"(","stderr":"","interrupted":false})"}}));
  // S2, D+2 on feature/SHOP-1: edits checkout.cpp at 08:30 and 09:00, no
  // commit of its own; B (10:00) changed that file: a strong link. $0.42.
  write_file(dir / ("claude/projects/-shop/" + s2 + ".jsonl"),
             session_log(s2, D + 2, root, "feature/SHOP-1",
                         {{8.5, "Edit", edit, patch}, {9.0, "Edit", edit, patch}}));
  // S3, D+1 16:00 on main: a question, no edit, no task. $0.21.
  write_file(dir / ("claude/projects/-shop/" + s3 + ".jsonl"),
             session_log(s3, D + 1, root, "main", {{16.0, "", ""}}));

  // --- The collector, the tracker -----------------------------------------
  CollectorFixture collector(dir / "collector");
  const std::string github_secret = "github-s3cret-0123456789";
  const std::string jira_secret = "jira-s3cret-0123456789ab";
  write_file(dir / "github.secret", github_secret + "\n");
  write_file(dir / "jira.secret", jira_secret + "\n");
  ::chmod((dir / "github.secret").c_str(), 0600);
  ::chmod((dir / "jira.secret").c_str(), 0600);
  const std::string token = collector.token_file("dev@acme.example");
  const std::string viewer =
      collector.token_of(collector.token_file("boss@acme.example", "viewer"));
  collector.start(
      {"--github-secret-file", dir / "github.secret", "--jira-secret-file", dir / "jira.secret"});

  const std::string state = dir / "state";
  {
    const CommandResult scan = run({tracker_bin(), "scan", "--claude-dir", dir / "claude",
                                    "--state", state, "--json", "--author", "dev@acme.example"});
    INFO(scan.out << scan.err);
    REQUIRE(scan.exit_code == 0);
    CHECK(scan.out.find("\"records_new\":7") != std::string::npos);
    // Tea's commit T is not Dev's to send: counted, never queued.
    CHECK(scan.out.find("\"commits_new\":4") != std::string::npos);
    CHECK(scan.out.find("\"commits_by_others\":1") != std::string::npos);
    const CommandResult flush =
        run({tracker_bin(), "flush", "--state", state, "--collector", collector.url(), "--ca-file",
             collector.ca(), "--token-file", token, "--timeout", "30"});
    INFO(flush.out << flush.err);
    REQUIRE(flush.exit_code == 0);
    CHECK(collector.record_count() == 7);
    auto db = sql::Database::open(state + "/tracker.db");
    REQUIRE(db);
    const auto quarantined = db->scalar("SELECT count(*) FROM git_commits WHERE quarantined = 1");
    const auto shipped = db->scalar("SELECT count(*) FROM git_commits WHERE shipped = 1");
    REQUIRE(quarantined);
    REQUIRE(shipped);
    CHECK(*quarantined == 0);  // nothing refused: only Dev's own commits were sent
    CHECK(*shipped == 4);
  }
  // T is Tea's: Dev's tracker did not queue it (a tracker sends only its own
  // author's commits). Tea's tracker sends it: the commit as a tracker with
  // Tea's identity read it (it queues T alone), under Tea's token.
  {
    const std::string tea_state = dir / "tea-state";
    const CommandResult tea_scan =
        run({tracker_bin(), "scan", "--claude-dir", dir / "claude", "--state", tea_state, "--json",
             "--author", "tea@acme.example"});
    INFO(tea_scan.out << tea_scan.err);
    REQUIRE(tea_scan.exit_code == 0);
    CHECK(tea_scan.out.find("\"commits_new\":1") != std::string::npos);
    CHECK(tea_scan.out.find("\"commits_by_others\":4") != std::string::npos);
    auto queued = sql::Database::open(tea_state + "/tracker.db");
    REQUIRE(queued);
    auto st = queued->prepare(
        "SELECT repo, parents, author_email, committer_email, author_ms, committer_ms, branch,"
        " task_keys, ai_coauthor, files, reworked, quarantined FROM git_commits WHERE sha = ?1");
    REQUIRE(st);
    st->bind(1, t);
    auto row = st->step();
    REQUIRE(row);
    REQUIRE(*row);
    CHECK(st->int64(11) == 0);  // queued, not quarantined
    CommitRecord tc;
    tc.repo = st->text(0);
    tc.sha = t;
    tc.parents = split_object_names(st->text(1));
    tc.author_email = st->text(2);
    tc.committer_email = st->text(3);
    tc.author_ms = st->int64(4);
    tc.committer_ms = st->int64(5);
    tc.branch = st->text(6);
    tc.task_keys = st->text(7);
    tc.ai_coauthor = st->int64(8) != 0;
    auto files = tracker::decode_commit_files(st->text(9));
    REQUIRE(files);
    REQUIRE(tracker::decode_reworked(st->text(10), tc));
    tc.files = *files;
    proto::BatchHeader h;
    h.tracker_version = "0.2.0";
    h.device_id = "device-of-tea";
    h.batch_id = "tea-1";
    h.created_ms = at_ms(D + 1, 16);
    const std::string tea_token = collector.token_of(collector.token_file("tea@acme.example"));
    const Reply shipped =
        send(collector, "POST", "/v1/batches", {"Authorization: Bearer " + tea_token},
             proto::encode_json(h, {}, {tc}));
    INFO(shipped.body);
    REQUIRE(shipped.status == 200);
    CHECK(shipped.has("\"commits_new\":1"));
  }

  // --- Webhooks -----------------------------------------------------------
  auto github = [&](const std::string& event, const std::string& delivery,
                    const std::string& body) {
    return send(collector, "POST", "/v1/webhooks/github",
                {"X-GitHub-Event: " + event, "X-GitHub-Delivery: " + delivery,
                 "X-Hub-Signature-256: " + collector::hub_signature(github_secret, body)},
                body);
  };
  const std::string repository =
      R"("repository": {"id": 7, "name": "shop", "full_name": "acme/shop", "private": true})";
  auto pushed = [&](const std::string& sha, int64_t ms) {
    return R"({"id": ")" + sha + R"(", "message": "SHOP-1", "timestamp": ")" + iso(ms, false) +
           R"(", "author": {"name": "Dev", "email": "dev@acme.example", "username": "dev"}})";
  };
  const std::string push = R"({"ref": "refs/heads/feature/SHOP-1", "before": ")" + base +
                           R"(", "after": ")" + c + R"(", )" + repository +
                           R"(, "sender": {"login": "dev", "id": 1}, "commits": [)" +
                           pushed(a, at_ms(D, 10)) + ", " + pushed(b, at_ms(D + 2, 10)) + ", " +
                           pushed(c, at_ms(D + 3, 12)) + "]}";
  const int64_t opened_ms = at_ms(D + 3, 14), reviewed_ms = at_ms(D + 4, 10),
                merged_ms = at_ms(D + 4, 16);
  const std::string merge_sha = "5e1f00d5e1f00d5e1f00d5e1f00d5e1f00d5e1f0";
  auto pull_request = [&](const std::string& action, int64_t updated, bool merged) {
    const std::string when = merged ? "\"" + iso(merged_ms, false) + "\"" : "null";
    return R"({"action": ")" + action +
           R"(", "number": 12, "pull_request": {"number": 12, "state": ")" +
           (merged ? "closed" : "open") +
           R"(", "title": "SHOP-1 Checkout", "user": {"login": "dev", "id": 1}, "created_at": ")" +
           iso(opened_ms, false) + R"(", "updated_at": ")" + iso(updated, false) +
           R"(", "closed_at": )" + when + R"(, "merged_at": )" + when +
           R"(, "merge_commit_sha": )" + (merged ? "\"" + merge_sha + "\"" : "null") +
           R"(, "draft": false, "head": {"ref": "feature/SHOP-1", "sha": ")" + c +
           R"("}, "base": {"ref": "main", "sha": ")" + t + R"("}, "merged": )" +
           (merged ? "true" : "false") + "}, " + repository +
           R"(, "sender": {"login": "dev", "id": 1}})";
  };
  const std::string review =
      R"({"action": "submitted", "review": {"id": 80, "user": {"login": "rob", "id": 2}, )"
      R"("commit_id": ")" +
      c + R"(", "submitted_at": ")" + iso(reviewed_ms, false) +
      R"(", "state": "approved"}, "pull_request": {"number": 12, "user": {"login": "dev", "id": 1}, )"
      R"("created_at": ")" +
      iso(opened_ms, false) +
      R"(", "head": {"ref": "feature/SHOP-1"}, "base": {"ref": "main"}}, )" + repository +
      R"(, "sender": {"login": "rob", "id": 2}})";
  const std::string closed = pull_request("closed", merged_ms, true);
  for (const auto& [event, delivery, body] :
       std::vector<std::tuple<std::string, std::string, std::string>>{
           {"push", "gh-1", push},
           {"pull_request", "gh-2", pull_request("opened", opened_ms, false)},
           {"pull_request_review", "gh-3", review},
           {"pull_request", "gh-4", closed}}) {
    const Reply r = github(event, delivery, body);
    INFO(event << ": " << r.body);
    CHECK(r.status == 200);
    CHECK(r.has("\"duplicate\":false"));
  }
  // SHOP-1 is a story of the epic SHOP-100.
  const std::string jira =
      R"({"timestamp": )" + std::to_string(at_ms(D, 8)) +
      R"(, "webhookEvent": "jira:issue_created", "issue": {"id": "10001", "key": "SHOP-1", )"
      R"("fields": {"issuetype": {"name": "Story", "subtask": false, "hierarchyLevel": 0}, )"
      R"("parent": {"id": "10000", "key": "SHOP-100", "fields": {"issuetype": {"name": "Epic", )"
      R"("subtask": false, "hierarchyLevel": 1}}}, "status": {"name": "To Do", "id": "1"}}}})";
  auto post_jira = [&] {
    return send(collector, "POST", "/v1/webhooks/jira", {"X-Codepulse-Secret: " + jira_secret},
                jira);
  };
  {
    const Reply epic = post_jira();
    INFO(epic.body);
    REQUIRE(epic.status == 200);
    CHECK(epic.has("\"epic\":\"SHOP-100\""));
    CHECK(epic.has("\"changed\":true"));
  }

  // --- The report ---------------------------------------------------------
  auto report = [&](const std::string& group_by) {
    const Reply r =
        send(collector, "GET", "/v1/report?group_by=" + group_by + "&outcomes=true&format=json",
             {"Authorization: Bearer " + viewer}, "");
    INFO(r.body);
    REQUIRE(r.status == 200);
    return r.body;
  };
  const std::string by_epic = report("epic%2Ctask%2Cauthor");
  INFO(by_epic);
  simdjson::dom::parser parser;
  Json doc, totals;
  REQUIRE_FALSE(parser.parse(by_epic).get(doc));
  REQUIRE_FALSE(doc["totals"].get(totals));
  const Json shop100 = node(doc, {"SHOP-100"});
  const Json shop1 = node(doc, {"SHOP-100", "SHOP-1"});
  const Json dev = node(doc, {"SHOP-100", "SHOP-1", "dev@acme.example"});

  // Spend: S1 4 requests + S2 2 requests name SHOP-1 (their branch) = 6 x
  // $0.21 = $1.26; S3's one request on main has no task. Total 7 x $0.21.
  CHECK(nanos(totals, "cost_usd") == 7 * kRequestNanos);  // $1.47
  for (const auto& n : {shop100, shop1, dev}) {
    CHECK(nanos(n, "cost_usd") == 6 * kRequestNanos);  // $1.26
    CHECK(integer(n, "records") == 6);
    CHECK(integer(n, "sessions") == 2);
  }
  CHECK(nanos(node(doc, {"(no epic)", "(no task)", "dev@acme.example"}), "cost_usd") ==
        kRequestNanos);

  // Commits of SHOP-1 (by their messages): A, B, C. AI: A (trailer, and S1's
  // `git commit` named it: exact), B (S2 edited checkout.cpp 1 h before: a
  // strong link); C has neither.
  for (const auto& n : {shop100, shop1, dev}) {
    CHECK(integer(n, "commits") == 3);
    CHECK(integer(n, "ai_commits") == 2);
    CHECK(integer(n, "lines_added") == 29);             // A 20 + B 5 + C 4
    CHECK(integer(n, "lines_removed") == 10);           // B: 5 rewritten + 5 deleted
    CHECK(integer(n, "reworked_lines") == 10);          // A's lines B removed, 2 days on
    CHECK(integer(n, "refactoring_lines") == 10);       // B reworked 10 lines of A
    CHECK(number(n, "rework_rate") == Approx(0.3448));  // 10 / 29 = 0.34483
    CHECK(integer(n, "skill_calls") == 1);
    CHECK(integer(n, "mcp_calls") == 1);
    // $1.26 / 3 commits = $0.42.
    CHECK(nanos(n, "cost_per_commit") == 420'000'000);
    // PR #12: merged, by dev (the push names its email), titled SHOP-1.
    CHECK(integer(n, "merged_prs") == 1);
    CHECK(nanos(n, "cost_per_merged_pr") == 6 * kRequestNanos);
    // First commit A (D 10:00) -> opened D+3 14:00 -> reviewed D+4 10:00 ->
    // merged D+4 16:00: cycle 4 d 6 h = 102 h = coding 76 h + pickup 20 h +
    // review 6 h.
    CHECK(number(n, "pr_cycle_time_hours") == Approx(102.0));
    CHECK(number(n, "pr_cycle_time_hours_p75") == Approx(102.0));
    CHECK(number(n, "coding_hours") == Approx(76.0));
    CHECK(number(n, "pickup_hours") == Approx(20.0));
    CHECK(number(n, "review_hours") == Approx(6.0));
    // (29 x 1 + 10 x 0.875 + 10 x 0.75 + 1 skill x 1 + 1 MCP x 0.875) / $1.26
    // = 47.125 / 1.26 = 37.40.
    CHECK(number(n, "leverage") == Approx(37.40).margin(0.005));
  }
  // Outside SHOP-1: the base commit (dev, 11 lines) and the teammate's T
  // (+1 -1, its old line is no rework), no spend on T, so no leverage.
  const Json none_dev = node(doc, {"(no epic)", "(no task)", "dev@acme.example"});
  CHECK(integer(none_dev, "commits") == 1);
  CHECK(integer(none_dev, "ai_commits") == 0);
  CHECK(integer(none_dev, "lines_added") == 11);
  CHECK(integer(none_dev, "merged_prs") == 0);
  const Json tea = node(doc, {"(no epic)", "(no task)", "tea@acme.example"});
  CHECK(integer(tea, "commits") == 1);
  CHECK(integer(tea, "lines_added") == 1);
  CHECK(integer(tea, "lines_removed") == 1);
  CHECK(integer(tea, "refactoring_lines") == 0);
  CHECK(nanos(tea, "cost_usd") == 0);
  CHECK(is_null(tea, "leverage"));
  CHECK(integer(totals, "commits") == 5);
  CHECK(integer(totals, "ai_commits") == 2);
  CHECK(integer(totals, "lines_added") == 41);    // 29 + 11 + 1
  CHECK(integer(totals, "lines_removed") == 11);  // 10 + 1
  CHECK(integer(totals, "merged_prs") == 1);
  // (41 + 11 x 0.875 + 10 x 0.75 + 1 + 0.875) / $1.47 = 60.0 / 1.47 = 40.82.
  CHECK(number(totals, "leverage") == Approx(40.82).margin(0.005));

  // The CLI reads the same store to the same report.
  const CommandResult cli = run({collector_bin(), "report", "--db", collector.db(), "--group-by",
                                 "epic,task,author", "--outcomes", "--format", "json"});
  INFO(cli.err);
  CHECK(cli.exit_code == 0);
  CHECK(cli.out == by_epic);

  // --- Redeliveries change nothing ----------------------------------------
  const Reply again = github("pull_request", "gh-4", closed);
  CHECK(again.status == 200);
  CHECK(again.has("\"duplicate\":true"));
  const Reply review_again = github("pull_request_review", "gh-3", review);
  CHECK(review_again.has("\"duplicate\":true"));
  const Reply jira_again = post_jira();
  CHECK(jira_again.status == 200);
  CHECK(jira_again.has("\"changed\":false"));
  CHECK(report("epic%2Ctask%2Cauthor") == by_epic);

  // --- Spend by commit adds up to the total, counted once -----------------
  const std::string by_commit = report("commit");
  INFO(by_commit);
  simdjson::dom::parser commit_parser;
  Json commits, commit_totals;
  simdjson::dom::array commit_rows;
  REQUIRE_FALSE(commit_parser.parse(by_commit).get(commits));
  REQUIRE_FALSE(commits["totals"].get(commit_totals));
  REQUIRE_FALSE(commits["rows"].get_array().get(commit_rows));
  int64_t sum = 0;
  size_t rows = 0;
  for (Json row : commit_rows) {
    sum += nanos(row, "cost_usd");
    ++rows;
  }
  CHECK(rows == 6);  // five commits and "(no commit)"
  CHECK(sum == nanos(commit_totals, "cost_usd"));
  CHECK(sum == 7 * kRequestNanos);
  // S1 -> A only, S2 -> B only, S3 -> none; C, base and T had no session.
  CHECK(nanos(node(commits, {a.substr(0, 12)}), "cost_usd") == 4 * kRequestNanos);
  CHECK(nanos(node(commits, {b.substr(0, 12)}), "cost_usd") == 2 * kRequestNanos);
  CHECK(nanos(node(commits, {"(no commit)"}), "cost_usd") == kRequestNanos);
  for (const std::string& sha : {c, base, t})
    CHECK(nanos(node(commits, {sha.substr(0, 12)}), "cost_usd") == 0);
  CHECK(integer(node(commits, {a.substr(0, 12)}), "reworked_lines") == 10);
  CHECK(integer(node(commits, {b.substr(0, 12)}), "refactoring_lines") == 10);

  // By pull request: A and B are PR #12's, so S1's and S2's spend is; S3's is
  // no PR's.
  const std::string by_pr = report("pr");
  INFO(by_pr);
  simdjson::dom::parser pr_parser;
  Json prs;
  REQUIRE_FALSE(pr_parser.parse(by_pr).get(prs));
  const Json pr12 = node(prs, {"github.com/acme/shop#12"});
  CHECK(nanos(pr12, "cost_usd") == 6 * kRequestNanos);
  CHECK(integer(pr12, "commits") == 3);
  CHECK(integer(pr12, "merged_prs") == 1);
  CHECK(nanos(node(prs, {"(no pr)"}), "cost_usd") == kRequestNanos);

  // Exact links only: S2 reported no commit, so B is no longer AI work and
  // S2's $0.42 is no commit's; the task's spend does not change.
  const std::string exact = report("epic%2Ctask%2Cauthor&links=exact");
  INFO(exact);
  simdjson::dom::parser exact_parser;
  Json exact_doc;
  REQUIRE_FALSE(exact_parser.parse(exact).get(exact_doc));
  const Json exact_dev = node(exact_doc, {"SHOP-100", "SHOP-1", "dev@acme.example"});
  CHECK(integer(exact_dev, "ai_commits") == 1);
  CHECK(nanos(exact_dev, "cost_usd") == 6 * kRequestNanos);
  const std::string exact_commits = report("commit&links=exact");
  simdjson::dom::parser exact_commit_parser;
  Json exact_commit_doc;
  REQUIRE_FALSE(exact_commit_parser.parse(exact_commits).get(exact_commit_doc));
  CHECK(nanos(node(exact_commit_doc, {b.substr(0, 12)}), "cost_usd") == 0);
  CHECK(nanos(node(exact_commit_doc, {"(no commit)"}), "cost_usd") == 3 * kRequestNanos);
  collector.stop();
}
