// Scopes of access in the report engine (common/report/access_scope.hpp):
// records of people outside the caller's scope never enter a node, a team
// scope follows each person's team on the record's UTC day, and the privacy
// floor merges rows of too few people into "(others)" with every total
// exact to the nano-dollar.
#include "common/report/access_scope.hpp"

#include <algorithm>
#include <catch2/catch.hpp>

#include "common/report/outcome_report.hpp"
#include "common/report/people_timeline.hpp"
#include "common/report/privacy_floor.hpp"
#include "common/report/report.hpp"
#include "common/report/usage_cube.hpp"

using namespace codepulse;
using namespace codepulse::report;

namespace {

constexpr int64_t kNov10 = 1'794'312'000'000;               // 2026-11-10 12:00 UTC
constexpr int64_t kNov14Late = 1'794'700'200'000;           // 2026-11-14 23:50 UTC
constexpr int64_t kNov15Early = 1'794'701'400'000;          // 2026-11-15 00:10 UTC
constexpr int64_t kDay15 = 1'794'700'800'000 / 86'400'000;  // 2026-11-15 as a day number

UsageFact fact(int64_t id, const std::string& author, int64_t ts, int64_t input) {
  UsageFact f;
  f.record_id = id;
  f.author = author;
  f.session = "s" + std::to_string(id);
  f.model = "claude-opus-4-6";
  f.repo = "github.com/acme/api";
  f.turn_id = "t" + std::to_string(id);
  f.ts_ms = ts;
  f.input = input;
  f.output = id * 1'237;  // odd amounts: costs that do not divide evenly
  return f;
}

// acme (org) > platform (group) > api (team); acme > product (group) > web
// (team). dev (alias dev-gh) is in api until 2026-11-14, then in web; ann
// in api; sam in web; bob in no directory.
std::shared_ptr<PeopleTimeline> directory() {
  auto t = std::make_shared<PeopleTimeline>();
  const uint32_t dev = t->add_person("dev@acme.example");
  t->add_alias("dev@acme.example", dev);
  t->add_alias("dev-gh", dev);
  const uint32_t ann = t->add_person("ann@acme.example");
  t->add_alias("ann@acme.example", ann);
  const uint32_t sam = t->add_person("sam@acme.example");
  t->add_alias("sam@acme.example", sam);
  t->add_team({"acme", "", "acme", {"acme"}});
  t->add_team({"platform", "platform", "acme", {"platform", "acme"}});
  t->add_team({"product", "product", "acme", {"product", "acme"}});
  const uint32_t api = t->add_team({"api", "platform", "acme", {"api", "platform", "acme"}});
  const uint32_t web = t->add_team({"web", "product", "acme", {"web", "product", "acme"}});
  t->add_membership(dev, {INT64_MIN, kDay15 - 1, api});
  t->add_membership(dev, {kDay15, INT64_MAX, web});
  t->add_membership(ann, {INT64_MIN, INT64_MAX, api});
  t->add_membership(sam, {INT64_MIN, INT64_MAX, web});
  return t;
}

UsageCube cube_of_facts() {
  UsageCube cube;
  cube.add(fact(1, "dev@acme.example", kNov10, 1'000'000));
  cube.add(fact(2, "DEV-GH", kNov14Late, 2'000'000));
  cube.add(fact(3, "dev@acme.example", kNov15Early, 3'000'000));
  cube.add(fact(4, "ann@acme.example", kNov14Late, 4'000'000));
  cube.add(fact(5, "sam@acme.example", kNov15Early, 5'000'000));
  cube.add(fact(6, "bob@acme.example", kNov10, 6'000'000));
  cube.set_people(directory());
  return cube;
}

AccessScope scope_of(const std::string& text) {
  auto s = parse_access_scope(text);
  REQUIRE(s);
  return *s;
}

Report query(const UsageCube& cube, const std::string& group_by, const std::string& scope,
             UsageCube::Strategy strategy = UsageCube::Strategy::kAuto, size_t floor = 0,
             const std::vector<std::pair<std::string, std::string>>& more = {}) {
  Params params{{"group_by", group_by}};
  params.insert(params.end(), more.begin(), more.end());
  auto request = parse_report_params(params);
  REQUIRE(request);
  request->query.scope = scope_of(scope);
  request->query.min_group_size = floor;
  if (floor > 0) {
    auto r = query_cube(cube, request->query, {}, {});
    REQUIRE(r);
    return std::move(r).value();
  }
  auto r = cube.query(request->query, {}, strategy);
  REQUIRE(r);
  return std::move(r).value();
}

std::vector<std::string> keys(const ReportNode& n) {
  std::vector<std::string> out;
  for (const ReportNode& c : n.children)
    out.push_back(c.key);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("scopes parse from their text and refuse bad forms", "[report][access]") {
  CHECK(scope_of("org").whole());
  CHECK(scope_of("team:api").text() == "team:api");
  CHECK(scope_of("group:platform").node_kind == "group");
  CHECK(scope_of("self:Ann@Acme.example").text() == "self:ann@acme.example");
  for (const auto& [bad, why] : std::vector<std::pair<std::string, std::string>>{
           {"everyone", "expected org, team:NAME, group:NAME, org:NAME or self:EMAIL"},
           {"team:", "the name after ':' is empty"},
           {"squad:api", "unknown kind 'squad'"},
           {"self:ann", "self: takes an email"},
           {"team:a\nb", "control character"}}) {
    auto s = parse_access_scope(bad);
    REQUIRE_FALSE(s);
    INFO(s.error().message);
    CHECK(s.error().message.find(why) != std::string::npos);
  }
}

TEST_CASE("a scoped report holds only the records of people inside its scope on their day",
          "[report][access]") {
  const UsageCube cube = cube_of_facts();
  for (auto strategy : {UsageCube::Strategy::kHash, UsageCube::Strategy::kSort}) {
    // The whole organisation: everyone, bob included.
    CHECK(query(cube, "person", "org", strategy).root.metrics.input == 21'000'000);
    // Self: dev's records under both of their emails, no one else's.
    const Report self = query(cube, "author", "self:dev@acme.example", strategy);
    CHECK(self.root.metrics.input == 6'000'000);
    CHECK(keys(self.root) == std::vector<std::string>{"DEV-GH", "dev@acme.example"});
    // An author no one claims sees their own records only.
    CHECK(query(cube, "author", "self:bob@acme.example", strategy).root.metrics.input == 6'000'000);
    // The api team: dev until the 14th, ann; never dev's 15th, sam or bob.
    const Report api = query(cube, "person,date", "team:api", strategy);
    CHECK(api.root.metrics.input == 7'000'000);
    CHECK(keys(api.root) == std::vector<std::string>{"ann@acme.example", "dev@acme.example"});
    CHECK(keys(api.root.children.at("dev@acme.example")) ==
          std::vector<std::string>{"2026-11-10", "2026-11-14"});
    // A group is its subtree: product holds web, so dev from the 15th and sam.
    const Report product = query(cube, "person,date", "group:product", strategy);
    CHECK(product.root.metrics.input == 8'000'000);
    CHECK(keys(product.root.children.at("dev@acme.example")) ==
          std::vector<std::string>{"2026-11-15"});
    // The organisation node: every person of the directory, not bob.
    CHECK(query(cube, "team", "org:acme", strategy).root.metrics.input == 15'000'000);
    // A node no one is in holds nothing.
    CHECK(query(cube, "team", "team:nowhere", strategy).root.metrics.input == 0);
  }
}

TEST_CASE("a scope without a people directory holds only the caller's own records",
          "[report][access]") {
  UsageCube cube;
  cube.add(fact(1, "dev@acme.example", kNov10, 1'000'000));
  cube.add(fact(2, "ann@acme.example", kNov10, 2'000'000));
  CHECK(query(cube, "author", "self:ann@acme.example").root.metrics.input == 2'000'000);
  CHECK(query(cube, "author", "team:api").root.metrics.input == 0);
}

TEST_CASE("the privacy floor merges rows of too few people into (others) and keeps totals exact",
          "[report][access]") {
  const UsageCube cube = cube_of_facts();
  const Report exact = query(cube, "team,person", "org");
  const Report floored = query(cube, "team,person", "org", UsageCube::Strategy::kAuto, 2);
  // Totals to the nano-dollar, on every basis, and every token.
  CHECK(floored.root.metrics.cost_nanos == exact.root.metrics.cost_nanos);
  CHECK(floored.root.metrics.list_cost_nanos == exact.root.metrics.list_cost_nanos);
  CHECK(floored.root.metrics.effective_cost_nanos == exact.root.metrics.effective_cost_nanos);
  CHECK(floored.root.metrics.input == exact.root.metrics.input);
  CHECK(floored.root.metrics.output == exact.root.metrics.output);
  CHECK(exact.root.metrics.cost_nanos > 0);
  // api (dev and ann) and web (dev and sam) stand for two people each; "(no
  // team)" is bob alone and merges, with the smaller of the others joining
  // it so "(others)" stands for two people or more.
  int64_t sum = 0;
  for (const ReportNode& team : floored.root.children) {
    sum += team.metrics.cost_nanos;
    CHECK(team.key != "(no team)");
    // Below each team, every person is one person: all merged.
    for (const ReportNode& person : team.children)
      CHECK(person.key == "(others)");
  }
  CHECK(sum == exact.root.metrics.cost_nanos);
  CHECK(floored.root.children.count("(others)") == 1);
  // Off (or 1): the report as asked.
  CHECK(keys(query(cube, "team", "org", UsageCube::Strategy::kAuto, 1).root) == keys(exact.root));
}

TEST_CASE("the privacy floor refuses a filtered report of fewer people than the floor",
          "[report][access]") {
  const UsageCube cube = cube_of_facts();
  auto request = parse_report_params({{"group_by", "date"}, {"where", "person=ann@acme.example"}});
  REQUIRE(request);
  request->query.min_group_size = 2;
  auto r = query_cube(cube, request->query, {}, {});
  REQUIRE_FALSE(r);
  CHECK(r.error().message.rfind(kBelowFloor, 0) == 0);
  CHECK(r.error().message.find("the filters leave 1 person") != std::string::npos);
}

TEST_CASE("a scoped report's outcomes and line provenance hold only its people's commits",
          "[report][access][provenance]") {
  const UsageCube cube = cube_of_facts();
  // dev commits on the 14th (in api) and on the 15th (in web, under their
  // alias), ann on the 14th, sam on the 15th, bob (no one in the
  // directory) on the 10th; every commit on the default branch, each with
  // its own scored and AI-written lines. ann's pull request merges on the
  // 14th, sam's on the 15th.
  auto commit = [](const std::string& sha, const std::string& author, int64_t ts,
                   const std::string& path, int64_t scored, int64_t ai) {
    CommitRecord c;
    c.repo = "github.com/acme/api";
    c.sha = std::string(40, sha[0]);
    c.author_email = author;
    c.committer_email = author;
    c.author_ms = ts;
    c.committer_ms = ts;
    c.branch = "main";
    c.on_default_branch = true;
    CommitFile f{path, scored + 1, 0};
    f.lines_added = scored;
    f.ai_lines_added = ai;
    c.files = {f};
    return c;
  };
  OutcomeData data;
  data.commits.commits = {
      commit("a", "dev@acme.example", kNov14Late, "src/dev14.cpp", 10, 4),
      commit("b", "dev-gh", kNov15Early, "src/dev15.cpp", 20, 5),
      commit("c", "ann@acme.example", kNov14Late, "src/ann.cpp", 30, 6),
      commit("d", "sam@acme.example", kNov15Early, "src/sam.cpp", 40, 7),
      commit("e", "bob@acme.example", kNov10, "src/bob.cpp", 50, 8),
  };
  auto pr = [](int number, const std::string& email, int64_t merged) {
    PullRequestFact p;
    p.repo = "github.com/acme/api";
    p.number = number;
    p.author = "github:" + email.substr(0, 3);
    p.author_email = email;
    p.head_branch = "feature/x" + std::to_string(number);
    p.base_branch = "main";
    p.state = PullRequestFact::State::kMerged;
    p.opened_ms = merged - 3'600'000;
    p.merged_ms = merged;
    return p;
  };
  data.pull_requests = {pr(1, "ann@acme.example", kNov14Late),
                        pr(2, "sam@acme.example", kNov15Early)};
  auto run = [&](const std::string& group_by, const std::string& scope, size_t floor = 0) {
    auto request = parse_report_params({{"group_by", group_by},
                                        {"metric", "ai_line_share"},
                                        {"since", "2026-11-01"},
                                        {"until", "2026-11-30"}});
    REQUIRE(request);
    request->query.outcomes = true;
    request->query.scope = scope_of(scope);
    request->query.min_group_size = floor;
    auto r = query_cube(cube, request->query, {},
                        [&data](int64_t, int64_t) -> Result<OutcomeData> { return data; });
    REQUIRE(r);
    return std::move(r).value();
  };

  const Report org = run("file", "org");
  CHECK(org.root.metrics.outcomes.commits == 5);
  CHECK(org.root.metrics.outcomes.scored_lines_added == 150);
  CHECK(org.root.metrics.outcomes.ai_written_lines == 30);
  CHECK(org.root.metrics.outcomes.merged_prs == 2);

  // team:api: dev's commit of the 14th and ann's; ann's pull request only.
  const Report api = run("file", "team:api");
  const Outcomes& a = api.root.metrics.outcomes;
  CHECK(a.commits == 2);
  CHECK(a.scored_lines_added == 40);
  CHECK(a.ai_written_lines == 10);
  CHECK(a.accepted_ai_lines == 10);
  CHECK(a.merged_prs == 1);
  REQUIRE(api.root.metrics.ai_line_share());
  CHECK(*api.root.metrics.ai_line_share() == Approx(10.0 / 40.0));
  std::vector<std::string> files;
  for (const std::string& k : keys(api.root))
    if (k.rfind("src/", 0) == 0) files.push_back(k);
  CHECK(files == std::vector<std::string>{"src/ann.cpp", "src/dev14.cpp"});

  // group:product: dev from the 15th (their alias) and sam.
  const Report product = run("author", "group:product");
  CHECK(product.root.metrics.outcomes.scored_lines_added == 60);
  CHECK(product.root.metrics.outcomes.ai_written_lines == 12);
  CHECK(product.root.metrics.outcomes.merged_prs == 1);
  for (const std::string& k : keys(product.root)) {
    INFO(k);
    CHECK((k == "dev-gh" || k == "DEV-GH" || k == "dev@acme.example" || k == "sam@acme.example"));
  }

  // self: dev's two commits under both emails, no one else's.
  const Report self = run("file", "self:dev@acme.example");
  CHECK(self.root.metrics.outcomes.scored_lines_added == 30);
  CHECK(self.root.metrics.outcomes.ai_written_lines == 9);
  CHECK(self.root.metrics.outcomes.merged_prs == 0);

  // Under the privacy floor the line counts stay exact in total.
  const Report floored = run("person", "org", 2);
  CHECK(floored.root.metrics.outcomes.scored_lines_added == 150);
  CHECK(floored.root.metrics.outcomes.ai_written_lines == 30);
  for (const ReportNode& n : floored.root.children)
    CHECK(n.key == "(others)");
}
