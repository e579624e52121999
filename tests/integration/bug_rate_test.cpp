// Bugs and the commits that introduced them, in both collector stores
// (docs/DELIVERY.md, "Bugs"): Jira bugs with "is caused by" links (from
// either side), fix commits naming a bug that revert a commit or name it in a
// "Fixes:" trailer, the line provenance of each commit, and the AI-attributed
// bug rate worked out by hand.
#include <catch2/catch.hpp>

#include "collector/ingest/commit_message_facts.hpp"
#include "collector/ingest/jira_webhook.hpp"
#include "collector/report/bug_report.hpp"
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

int64_t at(const char* iso) {
  return *parse_iso8601_utc_ms(iso);
}

std::string sha_of(char digit) {
  return std::string(40, digit);
}

// A tracker's commit at `iso` naming `keys`, with one file of `scored`
// scored added lines, `ai` of them an assistant's.
CommitRecord commit(char digit, const char* iso, const std::string& keys, int64_t scored,
                    int64_t ai) {
  CommitRecord c;
  c.repo = kRepo;
  c.sha = sha_of(digit);
  c.parents = {sha_of('0')};
  c.author_email = c.committer_email = kDev;
  c.author_ms = c.committer_ms = at(iso);
  c.branch = "main";
  c.task_keys = keys;
  CommitFile f;
  f.path = std::string("src/") + digit + ".py";
  f.added = scored + 3;  // blank and brace lines are not scored
  f.removed = 1;
  f.lines_added = scored;
  f.ai_lines_added = ai;
  c.files = {f};
  return c;
}

proto::DecodedBatch batch(const std::vector<CommitRecord>& commits) {
  return test::commit_batch({.author = kDev, .created_ms = at("2026-03-02T18:00:00Z")}, commits);
}

// A pushed commit as the GitHub parser makes it: the message read, then dropped.
PushedCommit pushed(char digit, const char* iso, const std::string& message,
                    const MessageRules& rules) {
  PushedCommit c;
  c.branch = "main";
  c.sha = sha_of(digit);
  c.time_ms = at(iso);
  c.author_email = kDev;
  const MessageFacts f = read_message(message, kDev, 1, rules);
  c.merge = f.merge;
  c.reverts_sha = f.reverts_sha;
  c.hotfix = f.hotfix;
  c.task_keys = f.task_keys;
  c.fixes_sha = f.fixes_sha;
  return c;
}

TaskRecord jira(const std::string& body) {
  auto e = parse_jira_webhook(body, "customfield_10014");
  INFO(body);
  REQUIRE(e);
  REQUIRE(e->used);
  return e->task;
}

TaskRecord task(const std::string& key, const std::string& type, int64_t created_ms) {
  TaskRecord t;
  t.key = key;
  t.issue_type = type;
  t.status = "Open";
  t.updated_ms = created_ms;
  t.created_ms = created_ms;
  return t;
}

}  // namespace

TEST_CASE("bugs per 1,000 AI lines against other lines, from issue links and fix commits",
          "[delivery][bugs]") {
  TempDir dir;
  CODEPULSE_STORE_TARGET(target, dir);
  auto opened = open_store(target.db);
  REQUIRE(opened);
  Store& store = **opened;

  // The tracker's commits on 2 March: A names PROJ-1 (40 scored lines, 30 AI),
  // B PROJ-2 (20, none AI), C PROJ-3 (50, all AI), E nothing (100, 20 AI), F
  // is the fix of BUG-11 (4, none AI), M merges PROJ-1's branch (two parents).
  CommitRecord m = commit('9', "2026-03-02T16:00:00Z", "PROJ-1", 0, 0);
  m.parents = {sha_of('0'), sha_of('a')};
  m.files.clear();
  auto ingested =
      store.ingest(kDev, batch({commit('a', "2026-03-02T09:00:00Z", "PROJ-1", 40, 30),
                                commit('b', "2026-03-02T10:00:00Z", "PROJ-2", 20, 0),
                                commit('c', "2026-03-02T11:00:00Z", "PROJ-3", 50, 50),
                                commit('e', "2026-03-02T12:00:00Z", "", 100, 20),
                                commit('f', "2026-03-02T15:00:00Z", "BUG-11", 4, 0), m}));
  REQUIRE(ingested);
  CHECK(ingested->commits_new == 6);

  // Pushes: F's message names C in a Fixes: trailer (12 digits); D (PROJ-4)
  // and G come from no tracker; G names BUG-14 and reverts D.
  auto rules = parse_message_rules(kDefaultHotfixMessagePatterns);
  REQUIRE(rules);
  WebhookDelivery push;
  push.source = "github";
  push.delivery_id = "push-1";
  push.received_ms = at("2026-03-02T17:00:00Z");
  push.event.kind = WebhookEvent::kPush;
  push.event.event = "push";
  push.event.repo = kRepo;
  push.event.pusher = "github:dev";
  push.event.commits = {
      pushed('a', "2026-03-02T09:00:00Z", "PROJ-1 totals", *rules),
      pushed('d', "2026-03-02T13:00:00Z", "PROJ-4: the export", *rules),
      pushed('f', "2026-03-02T15:00:00Z",
             "BUG-11: guard the total\n\nFixes: " + sha_of('c').substr(0, 12) + " (\"totals\")",
             *rules),
      pushed('7', "2026-03-02T15:30:00Z",
             "Revert \"PROJ-4: the export\" (BUG-14)\n\nThis reverts commit " + sha_of('d') + ".",
             *rules)};
  REQUIRE(push.event.commits[2].fixes_sha == sha_of('c').substr(0, 12));
  REQUIRE(push.event.commits[2].task_keys == "BUG-11");
  REQUIRE(push.event.commits[3].reverts_sha == sha_of('d'));
  auto applied = store.apply_webhook(push);
  REQUIRE(applied);
  CHECK(applied->commits_new == 4);

  // Jira: BUG-9 "is caused by" PROJ-1 (on the bug); PROJ-2 "causes" BUG-10
  // (on the story); BUG-11 and BUG-14 are found by their fixes; BUG-12 has
  // nothing; PROJ-1 carries its class.
  const int64_t day = at("2026-03-03T09:00:00Z");
  std::vector<TaskRecord> tasks{
      jira(
          R"({"timestamp": 1772528400000, "webhookEvent": "jira:issue_created", "issue": {"key": "BUG-9", "fields": {"issuetype": {"name": "Bug"}, "status": {"name": "Open"}, "priority": {"name": "High"}, "created": "2026-03-03T09:00:00.000+0000", "issuelinks": [{"id": "1", "type": {"name": "Problem/Incident", "inward": "is caused by", "outward": "causes"}, "inwardIssue": {"key": "PROJ-1"}}, {"id": "2", "type": {"name": "Relates", "inward": "relates to", "outward": "relates to"}, "outwardIssue": {"key": "PROJ-3"}}]}}})"),
      jira(
          R"({"timestamp": 1772528400000, "webhookEvent": "jira:issue_updated", "issue": {"key": "PROJ-2", "fields": {"issuetype": {"name": "Story"}, "status": {"name": "Done"}, "issuelinks": [{"id": "3", "type": {"name": "Problem/Incident", "inward": "is caused by", "outward": "causes"}, "outwardIssue": {"key": "BUG-10"}}]}}})"),
      jira(
          R"({"timestamp": 1772528400000, "webhookEvent": "jira:issue_updated", "issue": {"key": "PROJ-1", "fields": {"issuetype": {"name": "Story"}, "status": {"name": "Done"}, "labels": ["backend", "payments"], "components": [{"id": "10", "name": "billing"}], "priority": {"name": "Medium"}, "customfield_10016": 3.5, "created": "2026-02-20T10:00:00.000+0000", "resolutiondate": "2026-03-02T17:00:00.000+0000"}}})"),
      task("BUG-10", "Bug", day),
      task("BUG-11", "bug", day),
      task("BUG-12", "Bug", day),
      task("BUG-14", "Bug", day),
      task("PROJ-3", "Story", day)};
  auto upserted = store.upsert_tasks(tasks);
  REQUIRE(upserted);
  CHECK(*upserted == 8);

  // What the store gives back.
  auto rows = store.load_delivery();
  REQUIRE(rows);
  REQUIRE(rows->tasks.size() == 8);
  auto find = [&](const std::string& key) -> const TaskRecord& {
    for (const TaskRecord& t : rows->tasks)
      if (t.key == key) return t;
    FAIL("no task " << key);
    return rows->tasks.front();
  };
  const TaskRecord& proj1 = find("PROJ-1");
  CHECK(proj1.labels == std::vector<std::string>{"backend", "payments"});
  CHECK(proj1.components == std::vector<std::string>{"billing"});
  CHECK(proj1.story_points_milli == 3500);
  CHECK(proj1.priority == "Medium");
  CHECK(proj1.created_ms == at("2026-02-20T10:00:00Z"));
  CHECK(proj1.resolved_ms == at("2026-03-02T17:00:00Z"));
  CHECK(find("BUG-12").story_points_milli == -1);  // none given
  CHECK(find("PROJ-2").causes == std::vector<std::string>{"BUG-10"});
  const TaskRecord& bug9 = find("BUG-9");
  CHECK(bug9.caused_by == std::vector<std::string>{"PROJ-1"});  // "relates to" is no cause
  CHECK(bug9.causes.empty());

  auto r = bug_report(store, at("2026-03-01T00:00:00Z"), at("2026-03-08T00:00:00Z"));
  REQUIRE(r);
  // Commits: A, B, C, E, F (scored) and D, G (pushed only); M is a merge.
  CHECK(r->commits == 7);
  CHECK(r->scored_commits == 5);
  CHECK(r->ai_lines == 30 + 0 + 50 + 20 + 0);
  CHECK(r->other_lines == 10 + 20 + 0 + 80 + 4);
  // BUG-9: A (30 of 40 AI): 0.75 and 0.25. BUG-10: B: 0 and 1. BUG-11: C
  // (Fixes: in F): 1 and 0. BUG-14: D (reverted by G): no scored line,
  // unknown. BUG-12: unlinked.
  CHECK(r->bugs == 4);
  CHECK(r->bugs_ai == Approx(1.75));
  CHECK(r->bugs_other == Approx(1.25));
  CHECK(r->bugs_unknown == 1);
  CHECK(r->bugs_unlinked == 1);
  REQUIRE(r->ai_per_1000());
  CHECK(*r->ai_per_1000() == Approx(17.5));  // 1.75 x 1000 / 100
  REQUIRE(r->other_per_1000());
  CHECK(*r->other_per_1000() == Approx(1250.0 / 114));  // 1.25 x 1000 / 114
  REQUIRE(r->bugs_list.size() == 4);
  CHECK(r->bugs_list[0].key == "BUG-9");
  REQUIRE(r->bugs_list[0].commits.size() == 1);  // not M, the merge naming PROJ-1
  CHECK(r->bugs_list[0].commits[0].sha == sha_of('a'));
  CHECK(r->bugs_list[0].commits[0].via == "caused by PROJ-1");
  CHECK(r->bugs_list[0].priority == "High");
  CHECK(r->bugs_list[1].key == "BUG-10");
  CHECK(r->bugs_list[1].commits[0].via == "caused by PROJ-2");
  CHECK(*r->bugs_list[1].ai_share == Approx(0.0));
  CHECK(r->bugs_list[2].key == "BUG-11");
  CHECK(r->bugs_list[2].commits[0].sha == sha_of('c'));
  CHECK(r->bugs_list[2].commits[0].via == "Fixes: in " + sha_of('f').substr(0, 12));
  CHECK(r->bugs_list[3].key == "BUG-14");
  CHECK(r->bugs_list[3].commits[0].sha == sha_of('d'));
  CHECK(r->bugs_list[3].commits[0].via == "reverted by " + sha_of('7').substr(0, 12));
  CHECK_FALSE(r->bugs_list[3].ai_share);

  const std::string json = bug_report_json(*r);
  CHECK(json.find("\"ai_bugs_per_1000_lines\":17.5") != std::string::npos);
  CHECK(json.find("\"bugs_unlinked\":1") != std::string::npos);

  // A range without those commits has no bug of them; BUG-12 was created in
  // March, so it is not unlinked in February.
  auto feb = bug_report(store, at("2026-02-01T00:00:00Z"), at("2026-03-01T00:00:00Z"));
  REQUIRE(feb);
  CHECK(feb->bugs == 0);
  CHECK(feb->commits == 0);
  CHECK(feb->bugs_unlinked == 0);
  CHECK_FALSE(feb->ai_per_1000());
  CHECK(bug_report_table(*feb).find("(no bug introduced in the range)") != std::string::npos);

  // A later event about BUG-9 without the link drops it: the bug is unlinked.
  TaskRecord unlinked = tasks[0];
  unlinked.caused_by.clear();
  unlinked.updated_ms += 1;
  REQUIRE(store.upsert_tasks({unlinked}));
  auto after = bug_report(store, at("2026-03-01T00:00:00Z"), at("2026-03-08T00:00:00Z"));
  REQUIRE(after);
  CHECK(after->bugs == 3);
  CHECK(after->bugs_unlinked == 2);
  CHECK(after->bugs_ai == Approx(1.0));
}

TEST_CASE("a fix commit's blamed lines name the commits that introduced its bug",
          "[delivery][bugs]") {
  TempDir dir;
  CODEPULSE_STORE_TARGET(target, dir);
  auto opened = open_store(target.db);
  REQUIRE(opened);
  Store& store = **opened;

  // X (PROJ-5: 20 scored lines, 15 AI) and Y (PROJ-6: 10, none AI) on 2
  // March. F1 names BUG-21 and rewrote 3 of X's lines and 1 of Y's (the
  // tracker's blame of its removed lines: its reworked entries); F2 names
  // BUG-21 too and rewrote a line of F1 (part of the fix, not its cause). Z
  // names no bug and rewrote X's lines (no fix). F3 names BUG-22 and rewrote
  // lines of a commit no tracker or push sent.
  CommitRecord x = commit('1', "2026-03-02T09:00:00Z", "PROJ-5", 20, 15);
  CommitRecord y = commit('2', "2026-03-02T10:00:00Z", "PROJ-6", 10, 0);
  CommitRecord f1 = commit('3', "2026-03-02T14:00:00Z", "BUG-21", 4, 0);
  f1.reworked = {{sha_of('1'), "src/1.py", 3, 2}, {sha_of('2'), "src/2.py", 1, 0}};
  CommitRecord f2 = commit('4', "2026-03-02T15:00:00Z", "BUG-21", 2, 0);
  f2.reworked = {{sha_of('3'), "src/3.py", 1, 0}};
  CommitRecord z = commit('5', "2026-03-02T16:00:00Z", "", 6, 6);
  z.reworked = {{sha_of('1'), "src/1.py", 2, 2}};
  CommitRecord f3 = commit('6', "2026-03-02T17:00:00Z", "BUG-22", 1, 0);
  f3.reworked = {{sha_of('8'), "src/8.py", 1, -1}};
  // W (February, 8 lines, 8 AI); F4 names BUG-23 and rewrote 2 of W's lines,
  // older than the rework window: its fix blame, not rework.
  CommitRecord w = commit('7', "2026-02-01T09:00:00Z", "PROJ-7", 8, 8);
  CommitRecord f4 = commit('9', "2026-03-02T18:00:00Z", "BUG-23", 1, 0);
  f4.fix_blame = {{sha_of('7'), "src/7.py", 2, -1}};
  auto ingested = store.ingest(kDev, batch({x, y, f1, f2, z, f3, w, f4}));
  REQUIRE(ingested);
  CHECK(ingested->commits_new == 8);
  const int64_t day = at("2026-03-03T09:00:00Z");
  REQUIRE(store.upsert_tasks(
      {task("BUG-21", "Bug", day), task("BUG-22", "Bug", day), task("BUG-23", "Bug", day)}));

  // The store keeps F4's fix blame apart from rework: W was not reworked.
  auto facts = store.load_commits(INT64_MIN, INT64_MAX);
  REQUIRE(facts);
  for (const CommitRecord& c : facts->commits) {
    if (c.sha == sha_of('9')) {
      CHECK(c.reworked.empty());
      REQUIRE(c.fix_blame.size() == 1);
      CHECK(c.fix_blame[0].original_sha == sha_of('7'));
      CHECK(c.fix_blame[0].lines == 2);
    } else {
      CHECK(c.fix_blame.empty());
    }
  }
  for (const report::ReworkFact& r : facts->rework_of_commits)
    CHECK(r.original_sha != sha_of('7'));

  // BUG-23: W, blamed in F4 past the rework window; it was written in February.
  auto feb = bug_report(store, at("2026-02-01T00:00:00Z"), at("2026-03-01T00:00:00Z"));
  REQUIRE(feb);
  CHECK(feb->bugs == 1);
  REQUIRE(feb->bugs_list.size() == 1);
  CHECK(feb->bugs_list[0].key == "BUG-23");
  REQUIRE(feb->bugs_list[0].commits.size() == 1);
  CHECK(feb->bugs_list[0].commits[0].via == "blamed in " + sha_of('9').substr(0, 12));
  CHECK(feb->bugs_ai == Approx(1.0));

  auto r = bug_report(store, at("2026-03-01T00:00:00Z"), at("2026-03-08T00:00:00Z"));
  REQUIRE(r);
  // BUG-21: X and Y, blamed in F1 (not F1, blamed in F2: it names the bug);
  // their lines 15 AI and 5 + 10 other: 0.5 and 0.5. BUG-22: its only
  // blamed commit is unknown, so it is unlinked.
  CHECK(r->bugs == 1);
  CHECK(r->bugs_unlinked == 1);
  CHECK(r->bugs_ai == Approx(0.5));
  CHECK(r->bugs_other == Approx(0.5));
  REQUIRE(r->bugs_list.size() == 1);
  CHECK(r->bugs_list[0].key == "BUG-21");
  REQUIRE(r->bugs_list[0].commits.size() == 2);
  CHECK(r->bugs_list[0].commits[0].sha == sha_of('1'));
  CHECK(r->bugs_list[0].commits[1].sha == sha_of('2'));
  for (const auto& c : r->bugs_list[0].commits)
    CHECK(c.via == "blamed in " + sha_of('3').substr(0, 12));
  REQUIRE(r->bugs_list[0].ai_share);
  CHECK(*r->bugs_list[0].ai_share == Approx(0.5));
  // The rates: AI lines of the range 15 + 6 = 21; other 5 + 10 + 4 + 2 + 1 + 1 = 23.
  CHECK(r->ai_lines == 21);
  CHECK(r->other_lines == 23);
  CHECK(*r->ai_per_1000() == Approx(500.0 / 21));
}
