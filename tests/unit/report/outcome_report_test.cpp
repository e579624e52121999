// Outcomes in reports (docs/METRICS.md): session-commit links, spend split by
// commit and pull request, commits, rework, PR cycle time and leverage, each
// computed here by hand.
#include "common/report/outcome_report.hpp"

#include <algorithm>
#include <catch2/catch.hpp>

#include "common/report/leverage.hpp"
#include "common/report/session_links.hpp"
#include "common/report/usage_cube.hpp"
#include "tests/support/collector_fixture.hpp"
#include "tests/support/test_support.hpp"

using namespace codepulse;
using namespace codepulse::report;

namespace {

constexpr int64_t kHour = 3'600'000;
constexpr int64_t kT0 =
    1'780'000'000'000 - 1'780'000'000'000 % (24 * kHour) + 8 * kHour;  // 08:00 UTC
constexpr int64_t kDollar = 1'000'000'000;
const std::string kShaA = "aaaaaaa1111111111111111111111111111111111";
const std::string kShaB = "bbbbbbb2222222222222222222222222222222222";
const std::string kShaC = "ccccccc3333333333333333333333333333333333";
const std::string kShaD = "ddddddd4444444444444444444444444444444444";

UsageFact fact(int64_t id, const std::string& session, int64_t ts, int64_t cost_dollars,
               const std::string& branch, const std::string& tasks) {
  UsageFact f;
  f.record_id = id;
  f.author = "dev@acme.example";
  f.session = session;
  f.model = "claude-opus-4-6";
  f.repo = "github.com/acme/api";
  f.branch = branch;
  f.task_keys = tasks;
  f.turn_id = session + "-turn-" + std::to_string(id);
  f.ts_ms = ts;
  // claude-opus-4-6 input is $5 per million tokens: 200,000 tokens a dollar.
  f.input = cost_dollars * 200'000;
  return f;
}

ToolUse edit(const std::string& path, int64_t added) {
  ToolUse t;
  t.tool_use_id = "toolu_" + path;
  t.name = "Edit";
  t.path = path;
  t.action = FileAction::kChange;
  t.result_seen = true;
  t.lines_added = added;
  return t;
}

ToolUse named(const std::string& name) {
  ToolUse t;
  t.tool_use_id = "toolu_" + name;
  t.name = name;
  return t;
}

CommitRecord commit(const std::string& sha, int64_t ts, const std::string& author,
                    const std::string& branch, std::vector<CommitFile> files,
                    const std::string& tasks = "") {
  CommitRecord c;
  c.repo = "github.com/acme/api";
  c.sha = sha;
  c.author_email = author;
  c.committer_email = author;
  c.author_ms = ts;
  c.committer_ms = ts;
  c.branch = branch;
  c.task_keys = tasks;
  c.files = std::move(files);
  return c;
}

// S1 (feature/PROJ-1): edits src/a.cpp, calls an MCP tool, then commits A
// ($3 + $1). S2 (main): edits src/b.cpp with a Skill ($2).
UsageCube scenario_cube() {
  UsageCube cube;
  UsageFact a = fact(1, "S1", kT0, 3, "feature/PROJ-1", "PROJ-1");
  a.tools = {edit("src/a.cpp", 20), named("mcp:github/create_pull_request")};
  cube.add(a);
  UsageFact b = fact(2, "S1", kT0 + kHour, 1, "feature/PROJ-1", "PROJ-1");
  ToolUse git = named("Bash");
  git.git_commit = true;
  git.result_seen = true;
  git.commit_sha = kShaA.substr(0, 7);
  b.tools = {git};
  cube.add(b);
  UsageFact c = fact(3, "S2", kT0 + 2 * kHour, 2, "main", "");
  c.tools = {edit("src/b.cpp", 10), named("skill:review")};
  cube.add(c);
  return cube;
}

OutcomeData scenario_outcomes() {
  OutcomeData d;
  // A: exact (S1's git commit). B: strong to S1 (a.cpp) and S2 (b.cpp), and
  // it reworks 4 of A's lines. C: weak to S2 (main, 1.5 h after). D: someone else.
  d.commits.commits = {
      commit(kShaA, kT0 + kHour, "dev@acme.example", "feature/PROJ-1", {{"src/a.cpp", 20, 2}},
             "PROJ-1"),
      commit(kShaB, kT0 + 3 * kHour, "Dev@Acme.example", "main",
             {{"src/a.cpp", 0, 4}, {"src/b.cpp", 10, 0}}),
      commit(kShaC, kT0 + 3 * kHour + kHour / 2, "dev@acme.example", "main", {{"README.md", 5, 0}}),
      commit(kShaD, kT0 + 4 * kHour, "other@acme.example", "main", {{"src/c.cpp", 100, 0}}),
  };
  d.commits.commits[1].reworked = {{kShaA, "src/a.cpp", 4}};
  d.commits.rework_of_commits = {
      {"github.com/acme/api", kShaA, "src/a.cpp", kShaB, kT0 + 3 * kHour, 4}};
  PullRequestFact pr;
  pr.repo = "github.com/acme/api";
  pr.number = 7;
  pr.author = "github:dev";
  pr.author_email = "dev@acme.example";
  pr.head_branch = "feature/PROJ-1";
  pr.base_branch = "main";
  pr.task_keys = "PROJ-1";
  pr.state = PullRequestFact::State::kMerged;
  pr.opened_ms = kT0 + kHour + kHour / 2;
  pr.ready_ms = pr.opened_ms;
  pr.first_review_ms = kT0 + 5 * kHour;
  pr.merged_ms = kT0 + 9 * kHour;
  pr.merge_sha = "eeeeeee5555555555555555555555555555555555";
  d.pull_requests = {pr};
  return d;
}

Result<Report> run(const ReportQuery& q, const OutcomeData& data = scenario_outcomes()) {
  static const EpicMap epics = {{"PROJ-1", "EPIC-1"}};
  UsageCube cube = scenario_cube();
  return query_cube(cube, q, epics,
                    [&data](int64_t, int64_t) -> Result<OutcomeData> { return data; });
}

ReportQuery grouped(std::vector<Dimension> dims) {
  ReportQuery q;
  q.group_by = std::move(dims);
  q.outcomes = true;
  return q;
}

}  // namespace

TEST_CASE("the published leverage example: developer A 4.13, developer B 7.95", "[outcomes]") {
  const LeverageWeights w;
  const auto a = leverage_score({2000, 50, 20, 2, 4, 500 * kDollar}, w);
  const auto b = leverage_score({1500, 75, 10, 10, 8, 200 * kDollar}, w);
  REQUIRE(a);
  REQUIRE(b);
  CHECK(*a == Approx(4.1285));
  CHECK(*b == Approx(7.950625));
  char text[16];
  std::snprintf(text, sizeof text, "%.2f", *a);
  CHECK(std::string(text) == "4.13");
  std::snprintf(text, sizeof text, "%.2f", *b);
  CHECK(std::string(text) == "7.95");
  CHECK_FALSE(leverage_score({10, 0, 0, 0, 0, 0}, w));  // no spend, no score

  auto custom = parse_leverage_weights("lines_removed=0.5,mcp=2");
  REQUIRE(custom);
  CHECK(custom->lines_removed == 0.5);
  CHECK(custom->mcp == 2);
  CHECK(custom->lines_added == 1.0);
  CHECK(parse_leverage_weights("lines=1").error().message.find("lines_added") != std::string::npos);
  CHECK_FALSE(parse_leverage_weights("mcp=-1"));
  CHECK_FALSE(parse_leverage_weights("mcp=abc"));
}

TEST_CASE("percentiles interpolate between the nearest ranks", "[outcomes]") {
  std::vector<int64_t> v = {10, 40, 20, 30};
  CHECK(*percentile(v, 50) == Approx(25));
  CHECK(*percentile(v, 75) == Approx(32.5));
  std::vector<int64_t> one = {7};
  CHECK(*percentile(one, 75) == Approx(7));
  std::vector<int64_t> none;
  CHECK_FALSE(percentile(none, 50));
}

TEST_CASE("sessions link to commits by the documented rules", "[outcomes][links]") {
  const UsageCube cube = scenario_cube();
  const auto sessions = cube.session_activity();
  REQUIRE(sessions.size() == 2);
  const auto commits = scenario_outcomes().commits.commits;
  auto levels = [&](ReportQuery::Links weakest) {
    std::map<std::pair<std::string, std::string>, std::string> out;
    for (const auto& l : link_sessions(sessions, commits, weakest))
      out[{sessions[l.session].session, commits[l.commit].sha.substr(0, 1)}] =
          link_level_name(l.level);
    return out;
  };
  using Pairs = std::map<std::pair<std::string, std::string>, std::string>;
  CHECK(levels(ReportQuery::Links::kExact) == Pairs{{{"S1", "a"}, "exact"}});
  CHECK(levels(ReportQuery::Links::kStrong) ==
        Pairs{{{"S1", "a"}, "exact"}, {{"S1", "b"}, "strong"}, {{"S2", "b"}, "strong"}});
  CHECK(levels(ReportQuery::Links::kWeak) == Pairs{{{"S1", "a"}, "exact"},
                                                   {{"S1", "b"}, "strong"},
                                                   {{"S2", "b"}, "strong"},
                                                   {{"S2", "c"}, "weak"}});
  // Outside the windows nothing links: the same commit 9 hours after S2's edit.
  auto late = commits;
  late[1].committer_ms = kT0 + 2 * kHour + 8 * kHour + 1;
  late[1].files = {{"src/b.cpp", 10, 0}};
  for (const auto& l : link_sessions(sessions, late, ReportQuery::Links::kWeak))
    CHECK(late[l.commit].sha != kShaB);
  CHECK(link_confidence(ReportQuery::Links::kExact) == 1.0);
  CHECK(link_confidence(ReportQuery::Links::kWeak) < link_confidence(ReportQuery::Links::kStrong));
}

TEST_CASE("a report reads the sessions that can link to its commits, a SHA from long before too",
          "[outcomes][links]") {
  UsageCube cube = scenario_cube();
  cube.add(fact(4, "S3", kT0 - 100 * kHour, 1, "main", ""));  // days before, no commit
  const auto names = [](const std::vector<SessionActivity>& sessions) {
    std::vector<std::string> out;
    for (const SessionActivity& a : sessions)
      out.push_back(a.session);
    std::sort(out.begin(), out.end());
    return out;
  };
  using Names = std::vector<std::string>;
  CHECK(names(cube.session_activity()) == Names{"S1", "S2", "S3"});
  // Active in the window: S2; S1 (before it) reported a commit, so it stays.
  CHECK(names(cube.session_activity(kT0 + 3 * kHour / 2, INT64_MAX)) == Names{"S1", "S2"});
  CHECK(names(cube.session_activity(kT0 - 100 * kHour, kT0 - 99 * kHour)) == Names{"S1", "S3"});
  CHECK(cube.session_authors() == Names{"dev@acme.example"});

  // Commit A, rebased with its committer date kept, lands 30 days after S1
  // reported it: a report of that day still links it to S1 exactly.
  const int64_t day = kT0 - 8 * kHour + 30 * 24 * kHour;
  OutcomeData d;
  d.commits.commits = {commit(kShaA, day + 10 * kHour, "dev@acme.example", "feature/PROJ-1",
                              {{"src/a.cpp", 20, 2}})};
  ReportQuery q = grouped({Dimension::kSession});
  q.since_ms = day;
  q.until_ms = day + 24 * kHour;
  auto r = query_cube(cube, q, {}, [&d](int64_t, int64_t) { return Result<OutcomeData>(d); });
  REQUIRE(r);
  REQUIRE(r->root.children.count("S1") == 1);
  CHECK(r->root.children.at("S1").metrics.outcomes.commits == 1);
  CHECK(r->root.children.at("S1").metrics.outcomes.ai_commits == 1);
  CHECK(r->root.children.size() == 1);
}

TEST_CASE("spend by commit is split over the links and never counted twice", "[outcomes]") {
  auto r = run(grouped({Dimension::kCommit}));
  REQUIRE(r);
  const ReportNode& root = r->root;
  CHECK(root.metrics.cost_nanos == 6 * kDollar);
  // S1 ($4) over A and B, S2 ($2) to B.
  CHECK(root.children.at("aaaaaaa11111").metrics.cost_nanos == 2 * kDollar);
  CHECK(root.children.at("bbbbbbb22222").metrics.cost_nanos == 4 * kDollar);
  CHECK(root.children.at("aaaaaaa11111").metrics.outcomes.commits == 1);
  // C and D have no spend but are commits of the range.
  CHECK(root.children.at("ccccccc33333").metrics.cost_nanos == 0);
  CHECK(root.children.at("ddddddd44444").metrics.outcomes.lines_added == 100);
  CHECK(root.metrics.outcomes.commits == 4);
  int64_t sum = 0;
  for (const ReportNode& c : root.children)
    sum += c.metrics.cost_nanos;
  CHECK(sum == root.metrics.cost_nanos);

  // Weak links too: S2's $2 is now shared by B and C.
  ReportQuery weak = grouped({Dimension::kCommit});
  weak.links = ReportQuery::Links::kWeak;
  auto w = run(weak);
  REQUIRE(w);
  CHECK(w->root.children.at("bbbbbbb22222").metrics.cost_nanos == 3 * kDollar);
  CHECK(w->root.children.at("ccccccc33333").metrics.cost_nanos == 1 * kDollar);
  CHECK(w->root.metrics.cost_nanos == 6 * kDollar);
}

TEST_CASE("a commit with spend meets its outcomes whatever the order of the commits",
          "[outcomes]") {
  // Commits without spend first: their new nodes are added before A and B
  // are looked up among the nodes with spend.
  UsageCube cube = scenario_cube();
  auto r = query_cube(cube, grouped({Dimension::kCommit}), {}, [](int64_t, int64_t) {
    OutcomeData d = scenario_outcomes();
    std::reverse(d.commits.commits.begin(), d.commits.commits.end());
    return Result<OutcomeData>(std::move(d));
  });
  REQUIRE(r);
  CHECK(r->root.children.size() == 4);
  for (const char* key : {"aaaaaaa11111", "bbbbbbb22222", "ccccccc33333", "ddddddd44444"}) {
    INFO(key);
    REQUIRE(r->root.children.count(key) == 1);
    CHECK(r->root.children.at(key).metrics.outcomes.commits == 1);
  }
  CHECK(r->root.children.at("aaaaaaa11111").metrics.cost_nanos == 2 * kDollar);
  CHECK(r->root.children.at("aaaaaaa11111").metrics.outcomes.reworked_lines == 4);
}

TEST_CASE("pull requests: spend, merged PRs and cycle time phases", "[outcomes]") {
  auto r = run(grouped({Dimension::kPr}));
  REQUIRE(r);
  const ReportNode& pr = r->root.children.at("github.com/acme/api#7");
  CHECK(pr.metrics.cost_nanos == 2 * kDollar);  // S1's half that went to A
  CHECK(r->root.children.at("(no pr)").metrics.cost_nanos == 4 * kDollar);
  CHECK(pr.metrics.outcomes.merged_prs == 1);
  CHECK(pr.metrics.outcomes.commits == 1);
  // First commit (A, 09:00) -> opened 09:30 -> reviewed 13:00 -> merged 17:00.
  REQUIRE(pr.metrics.outcomes.cycle_ms == std::vector<int64_t>{8 * kHour});
  CHECK(pr.metrics.outcomes.coding_ms == std::vector<int64_t>{kHour / 2});
  CHECK(pr.metrics.outcomes.pickup_ms == std::vector<int64_t>{3 * kHour + kHour / 2});
  CHECK(pr.metrics.outcomes.review_ms == std::vector<int64_t>{4 * kHour});
  CHECK(*pr.metrics.cost_per_merged_pr_nanos() == 2 * kDollar);
  CHECK(r->root.metrics.sort_value(Metric::kPrCycleTimeHours) == 8 * kHour);
  const std::string json = render_json(*r);
  CHECK(json.find("\"pr_cycle_time_hours\":8.00") != std::string::npos);
  CHECK(json.find("\"pickup_hours\":3.50") != std::string::npos);
  CHECK(json.find("\"pickup_hours_p75\":3.50") != std::string::npos);
}

TEST_CASE("the report by epic, task and author carries every outcome", "[outcomes]") {
  auto r = run(grouped({Dimension::kEpic, Dimension::kTask, Dimension::kAuthor}));
  REQUIRE(r);
  const ReportNode& epic = r->root.children.at("EPIC-1");
  const ReportNode& dev = epic.children.at("PROJ-1").children.at("dev@acme.example");
  // S1's records name PROJ-1 ($4); commit A names it; PR 7 names it.
  CHECK(dev.metrics.cost_nanos == 4 * kDollar);
  CHECK(dev.metrics.outcomes.commits == 1);
  CHECK(dev.metrics.outcomes.lines_added == 20);
  CHECK(dev.metrics.outcomes.reworked_lines == 4);
  CHECK(*dev.metrics.rework_rate() == Approx(0.2));
  CHECK(dev.metrics.outcomes.merged_prs == 1);
  CHECK(*dev.metrics.cost_per_commit_nanos() == 4 * kDollar);
  // (20 + 2 * 0.875 + 0 + 0 skills + 1 MCP * 0.875) / $4
  CHECK(*dev.metrics.leverage(r->query.weights) == Approx((20 + 1.75 + 0.875) / 4));

  const ReportNode& none = r->root.children.at("(no epic)").children.at("(no task)");
  CHECK(none.children.at("dev@acme.example").metrics.outcomes.commits == 2);  // B and C
  CHECK(none.children.at("other@acme.example").metrics.outcomes.commits == 1);
  CHECK(none.children.at("other@acme.example").metrics.cost_nanos == 0);
  CHECK_FALSE(none.children.at("other@acme.example").metrics.leverage(LeverageWeights{}));
}

TEST_CASE("leverage and rework per author, AI commits apart", "[outcomes]") {
  auto r = run(grouped({Dimension::kAuthor}));
  REQUIRE(r);
  const Metrics& dev = r->root.children.at("dev@acme.example").metrics;
  CHECK(dev.cost_nanos == 6 * kDollar);
  CHECK(dev.outcomes.commits == 3);
  CHECK(dev.outcomes.ai_commits == 2);  // A and B are linked; C only weakly
  CHECK(dev.outcomes.lines_added == 35);
  CHECK(dev.outcomes.lines_removed == 6);
  CHECK(dev.outcomes.refactoring_lines == 4);
  CHECK(dev.skill_calls == 1);
  CHECK(dev.mcp_calls == 1);
  CHECK(*dev.rework_rate() == Approx(4.0 / 35));
  CHECK(*dev.reworked_cost_nanos() == 685'714'286);  // $6 x 4 / 35
  CHECK(*dev.ai_rework_rate() == Approx(4.0 / 30));
  CHECK(*dev.other_rework_rate() == Approx(0.0));
  CHECK(*dev.leverage(LeverageWeights{}) == Approx((35 + 6 * 0.875 + 4 * 0.75 + 1 + 0.875) / 6));
  const std::string table = render_table(*r);
  CHECK(table.find("Leverage") != std::string::npos);
  CHECK(table.find("7.52") != std::string::npos);
  const std::string csv = render_csv(*r);
  CHECK(csv.find(",commits,ai_commits,") != std::string::npos);
}

TEST_CASE("outcome reports filter, cut to the top N and respect the node limit", "[outcomes]") {
  ReportQuery q = grouped({Dimension::kCommit});
  q.where = {{Dimension::kAuthor, "other@acme.example"}};
  auto r = run(q);
  REQUIRE(r);
  CHECK(r->root.metrics.outcomes.commits == 1);
  CHECK(r->root.children.size() == 1);
  CHECK(r->root.metrics.cost_nanos == 0);

  ReportQuery top = grouped({Dimension::kCommit});
  top.top = 1;
  top.sort_by = Metric::kCommits;
  auto t = run(top);
  REQUIRE(t);
  REQUIRE(t->root.children.size() == 2);
  int64_t commits = 0, cost = 0;
  for (const ReportNode& c : t->root.children) {
    commits += c.metrics.outcomes.commits;
    cost += c.metrics.cost_nanos;
  }
  CHECK(commits == 4);
  CHECK(cost == 6 * kDollar);

  ReportQuery small = grouped({Dimension::kCommit, Dimension::kFile});
  small.max_nodes = 3;
  auto refused = run(small);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().message.find(kTooManyNodes) == 0);
}

TEST_CASE("report parameters name the outcome metrics and dimensions", "[outcomes][params]") {
  auto req = parse_report_params(
      {{"group_by", "pr,commit"}, {"metric", "pr_cycle_time_hours_p75"}, {"links", "weak"}});
  REQUIRE(req);
  CHECK(req->query.wants_outcomes());
  CHECK(req->query.links == ReportQuery::Links::kWeak);
  CHECK(req->query.group_by == std::vector<Dimension>{Dimension::kPr, Dimension::kCommit});
  for (const char* m : {"commits", "merged_prs", "cost_per_commit", "cost_per_merged_pr",
                        "pr_cycle_time_hours", "rework_rate", "leverage"})
    CHECK(parse_report_params({{"group_by", "author"}, {"metric", m}})->query.wants_outcomes());
  CHECK_FALSE(parse_report_params({{"group_by", "author"}})->query.wants_outcomes());
  CHECK(
      parse_report_params({{"group_by", "author"}, {"outcomes", "true"}})->query.wants_outcomes());
  CHECK_FALSE(parse_report_params({{"group_by", "author"}, {"links", "some"}}));
}

TEST_CASE("codepulse-collector leverage prints the published scores", "[outcomes][cli]") {
  const auto a = codepulse::test::run(
      {codepulse::test::collector_bin(), "leverage", "--lines-added", "2000", "--lines-removed",
       "50", "--refactoring", "20", "--skills", "2", "--mcp", "4", "--cost", "500"});
  CHECK(a.exit_code == 0);
  CHECK(a.out.rfind("leverage 4.13\n", 0) == 0);
  CHECK(a.out.find("2064.250 = 2000 x 1 + 50 x 0.875 + 20 x 0.75 + 2 x 1 + 4 x 0.875") !=
        std::string::npos);
  const auto b = codepulse::test::run(
      {codepulse::test::collector_bin(), "leverage", "--lines-added", "1500", "--lines-removed",
       "75", "--refactoring", "10", "--skills", "10", "--mcp", "8", "--cost", "200"});
  CHECK(b.out.rfind("leverage 7.95\n", 0) == 0);
  const auto weighted =
      codepulse::test::run({codepulse::test::collector_bin(), "leverage", "--lines-added", "100",
                            "--cost", "10", "--weights", "lines_added=0.5"});
  CHECK(weighted.out.rfind("leverage 5.00\n", 0) == 0);
  const auto no_cost =
      codepulse::test::run({codepulse::test::collector_bin(), "leverage", "--lines-added", "1"});
  CHECK(no_cost.exit_code == 2);
  CHECK(no_cost.err.find("--cost USD is required") != std::string::npos);
  const auto bad = codepulse::test::run(
      {codepulse::test::collector_bin(), "leverage", "--cost", "5", "--skills", "-3"});
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("--skills") != std::string::npos);
}

TEST_CASE("the tracker's report points to the collector for outcomes", "[outcomes][cli]") {
  const auto r = codepulse::test::run(
      {codepulse::test::tracker_bin(), "report", "--group-by", "author,commit"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("outcome metrics are in the collector's reports") != std::string::npos);
  const auto m =
      codepulse::test::run({codepulse::test::tracker_bin(), "report", "--metric", "leverage"});
  CHECK(m.exit_code == 2);
}

TEST_CASE("a pull request some push named commits of takes no others by branch", "[outcomes]") {
  OutcomeData data = scenario_outcomes();
  // A push named another commit of PR 7: commit A, on its head branch but
  // never named, is not taken as the PR's (shared history may carry a
  // feature branch's name).
  data.pull_requests[0].commit_shas = {"fffffff6666666666666666666666666666666666"};
  auto r = run(grouped({Dimension::kPr}), data);
  REQUIRE(r);
  CHECK(r->root.children.at("github.com/acme/api#7").metrics.outcomes.commits == 0);
  CHECK(r->root.children.at("(no pr)").metrics.outcomes.commits == 4);
  // Named by the head SHA only (no push seen): the branch decides, as before.
  data.pull_requests[0].commit_shas = {data.pull_requests[0].merge_sha};
  data.pull_requests[0].head_sha = data.pull_requests[0].merge_sha;
  auto b = run(grouped({Dimension::kPr}), data);
  REQUIRE(b);
  CHECK(b->root.children.at("github.com/acme/api#7").metrics.outcomes.commits == 1);
}

TEST_CASE("AI share of added lines and cost per accepted AI line, by file and repository",
          "[outcomes][provenance]") {
  OutcomeData d = scenario_outcomes();
  auto& commits = d.commits.commits;
  // A on the feature branch: 12 of its 18 scored lines the assistant's; B
  // and C on the default branch: 6 of 10 and 0 of 5; D: 0 of 100 (scored,
  // someone else's). B has a file the tracker did not score.
  commits[0].files[0].lines_added = 18;
  commits[0].files[0].ai_lines_added = 12;
  commits[1].files[1].lines_added = 10;
  commits[1].files[1].ai_lines_added = 6;
  commits[1].on_default_branch = true;
  commits[2].files[0].lines_added = 5;
  commits[2].on_default_branch = true;
  commits[3].files[0].lines_added = 100;
  commits[3].on_default_branch = true;

  auto r = run(grouped({Dimension::kRepo}), d);
  REQUIRE(r);
  const Metrics& all = r->root.metrics;
  CHECK(all.outcomes.scored_lines_added == 133);
  CHECK(all.outcomes.ai_written_lines == 18);
  CHECK(all.outcomes.accepted_ai_lines == 6);  // B's: A is not on the default branch
  REQUIRE(all.ai_line_share());
  CHECK(*all.ai_line_share() == Approx(18.0 / 133.0));
  // $6 of spend over 6 accepted AI lines.
  CHECK(all.cost_per_accepted_ai_line_nanos() == kDollar);
  const Metrics& repo = r->root.children.at("github.com/acme/api").metrics;
  CHECK(repo.outcomes.ai_written_lines == 18);

  auto by_file = run(grouped({Dimension::kFile}), d);
  REQUIRE(by_file);
  const auto& files = by_file->root.children;
  CHECK(files.at("src/a.cpp").metrics.outcomes.scored_lines_added == 18);
  CHECK(files.at("src/a.cpp").metrics.outcomes.ai_written_lines == 12);
  CHECK(files.at("src/a.cpp").metrics.outcomes.accepted_ai_lines == 0);
  CHECK(*files.at("src/b.cpp").metrics.ai_line_share() == Approx(0.6));
  CHECK(files.at("src/b.cpp").metrics.outcomes.accepted_ai_lines == 6);
  CHECK(*files.at("README.md").metrics.ai_line_share() == 0.0);

  CHECK(all.sort_value(Metric::kAiLineShare) == static_cast<int64_t>(18.0 / 133.0 * 1e9));
  CHECK(all.sort_value(Metric::kCostPerAcceptedAiLine) == kDollar);
  // Both are metrics a report is sorted by, and they bring outcomes.
  for (const char* metric : {"ai_line_share", "cost_per_accepted_ai_line"}) {
    auto request = parse_report_params({{"metric", metric}});
    REQUIRE(request);
    CHECK(request->query.wants_outcomes());
  }
  // Without scored lines there is no share, without accepted lines no cost.
  auto plain = run(grouped({Dimension::kRepo}));
  REQUIRE(plain);
  CHECK_FALSE(plain->root.metrics.ai_line_share());
  CHECK_FALSE(plain->root.metrics.cost_per_accepted_ai_line_nanos());
}

TEST_CASE("survival at 21 and 90 days and rework at line level, AI against other lines",
          "[outcomes][provenance][survival]") {
  OutcomeData d = scenario_outcomes();
  auto& commits = d.commits.commits;
  // A: 12 of 18 scored lines the AI's; at 21 days 15 alive (10 AI), at 90
  // days 9 (6 AI). B: 6 of 10, all alive at 21 days, 90 not measured yet.
  // C: 0 of 5, not measured. B reworked 4 of A's lines, 3 of them the AI's.
  CommitFile& a = commits[0].files[0];
  a.lines_added = 18;
  a.ai_lines_added = 12;
  a.lines_alive_21d = 15;
  a.ai_lines_alive_21d = 10;
  a.lines_alive_90d = 9;
  a.ai_lines_alive_90d = 6;
  CommitFile& b = commits[1].files[1];
  b.lines_added = 10;
  b.ai_lines_added = 6;
  b.lines_alive_21d = 10;
  b.ai_lines_alive_21d = 6;
  commits[2].files[0].lines_added = 5;
  d.commits.rework_of_commits[0].ai_lines = 3;

  auto r = run(grouped({Dimension::kRepo}), d);
  REQUIRE(r);
  const Metrics& all = r->root.metrics;
  CHECK(all.outcomes.ai_lines_measured[0] == 18);
  CHECK(all.outcomes.ai_lines_alive[0] == 16);
  CHECK(*all.ai_survival(0) == Approx(16.0 / 18.0));
  CHECK(*all.other_survival(0) == Approx(9.0 / 10.0));
  CHECK(*all.ai_survival(1) == Approx(0.5));
  CHECK(*all.other_survival(1) == Approx(0.5));
  // $6 of spend over 16 AI lines alive at 21 days, over 6 at 90.
  CHECK(all.cost_per_alive_ai_line_nanos(0) == 6 * kDollar / 16);
  CHECK(all.cost_per_alive_ai_line_nanos(1) == kDollar);
  // Line level: 3 of the 18 AI lines of scored commits reworked, 1 of the
  // 15 others (A's 6, B's 4, C's 5).
  CHECK(*all.line_rework_rate_ai() == Approx(3.0 / 18.0));
  CHECK(*all.line_rework_rate_other() == Approx(1.0 / 15.0));

  auto by_file = run(grouped({Dimension::kFile}), d);
  REQUIRE(by_file);
  const Metrics& fa = by_file->root.children.at("src/a.cpp").metrics;
  CHECK(*fa.ai_survival(0) == Approx(10.0 / 12.0));
  CHECK(*fa.other_survival(1) == Approx(3.0 / 6.0));
  CHECK_FALSE(by_file->root.children.at("README.md").metrics.ai_survival(0));

  // A rework entry not told at line level leaves its commit out of both rates.
  d.commits.rework_of_commits[0].ai_lines = -1;
  auto untold = run(grouped({Dimension::kRepo}), d);
  REQUIRE(untold);
  CHECK(*untold->root.metrics.line_rework_rate_ai() == Approx(0.0));
  CHECK(untold->root.metrics.outcomes.line_rework_ai_base == 6);
  CHECK(untold->root.metrics.outcomes.line_rework_other_base == 9);

  // Duplication: A's file 2 AI blocks (1 repeating code) and 1 other
  // block; B's 1 AI block (repeating).
  a.ai_blocks = 2;
  a.ai_blocks_repeated = 1;
  a.other_blocks = 1;
  b.ai_blocks = 1;
  b.ai_blocks_repeated = 1;
  auto dup = run(grouped({Dimension::kRepo}), d);
  REQUIRE(dup);
  CHECK(dup->root.metrics.outcomes.ai_blocks == 3);
  CHECK(*dup->root.metrics.ai_duplication_share() == Approx(2.0 / 3.0));
  CHECK(*dup->root.metrics.other_duplication_share() == Approx(0.0));
  auto dup_by_file = run(grouped({Dimension::kFile}), d);
  REQUIRE(dup_by_file);
  CHECK(*dup_by_file->root.children.at("src/b.cpp").metrics.ai_duplication_share() == 1.0);
  CHECK_FALSE(dup_by_file->root.children.at("src/b.cpp").metrics.other_duplication_share());

  // Nothing measured: no survival, no cost per line alive.
  auto plain = run(grouped({Dimension::kRepo}));
  REQUIRE(plain);
  CHECK_FALSE(plain->root.metrics.ai_survival(0));
  CHECK_FALSE(plain->root.metrics.cost_per_alive_ai_line_nanos(1));
}
