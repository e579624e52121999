// The people directory in the collector's store (a SQLite file and a
// PostgreSQL database) and through `codepulse-collector people` and
// `report`: a bad CSV row is reported as FILE:LINE and stores nothing,
// cycles, shared aliases and overlapping periods are refused, aliases fold
// a person's emails, a team move splits spend at its day exactly, and
// unknown authors land in "(no team)" with every total the ungrouped one.
#include <catch2/catch.hpp>

#include "collector/store/store.hpp"
#include "tests/support/collector_fixture.hpp"
#include "tests/support/csv_cells.hpp"
#include "tests/support/price_fixtures.hpp"
#include "tests/support/seat_fixtures.hpp"
#include "tests/support/store_targets.hpp"

using namespace codepulse;
using namespace codepulse::collector;
using namespace codepulse::test;

namespace {

constexpr int64_t kNov10 = 1'794'312'000'000;       // 2026-11-10 12:00 UTC
constexpr int64_t kNov12 = 1'794'474'000'000;       // 2026-11-12 09:00 UTC
constexpr int64_t kNov14Late = 1'794'700'200'000;   // 2026-11-14 23:50 UTC
constexpr int64_t kNov15Early = 1'794'701'400'000;  // 2026-11-15 00:10 UTC

// alice moves from api (platform) at L2 to web (product) at L3 on the 15th;
// a.smith@ is her alias; carol is in api with no level.
const char* kGoodCsv =
    "email,name,aliases,role,team,group,org,level,from,to\n"
    "Alice@acme.example,Alice Smith,a.smith@acme.example;alice-gh,engineer,api,platform,acme,L2,"
    "2026-01-01,2026-11-14\n"
    "alice@acme.example,,,,web,product,acme,L3,2026-11-15,\n"
    "carol@acme.example,Carol,,manager,api,platform,acme,,,\n";

// The cells of column `column` of the CSV report's row whose first cell is `key`.
std::string cell(const std::string& csv, const std::string& key, const std::string& column) {
  const auto rows = parse_csv(csv);
  REQUIRE_FALSE(rows.empty());
  size_t at = rows[0].size();
  for (size_t i = 0; i < rows[0].size(); ++i)
    if (rows[0][i] == column) at = i;
  REQUIRE(at < rows[0].size());
  for (const auto& row : rows)
    if (!row.empty() && row[0] == key) return row[at];
  return "";
}

PeopleRows small_directory() {
  PeopleRows d;
  d.level_order = {"L1", "L2"};
  d.teams = {{"acme", TeamKind::kOrg, ""},
             {"platform", TeamKind::kGroup, "acme"},
             {"api", TeamKind::kTeam, "platform"}};
  PersonRow alice;
  alice.id = 1;
  alice.email = "alice@acme.example";
  alice.display_name = "Alice";
  alice.aliases = {"a.smith@acme.example"};
  d.people = {alice};
  d.memberships = {{1, "api", "2026-01-01", ""}};
  d.levels = {{1, "L2", "", ""}};
  normalize_people(d);  // as the store gives it back
  return d;
}

// What was stored, with the team ids the store gives (SCIM's group ids) left
// out: this file's directories name teams by name only.
PeopleRows without_team_ids(PeopleRows d) {
  for (TeamRow& t : d.teams) t.id = 0;
  return d;
}

}  // namespace

TEST_CASE("the people directory is stored whole and its rules refuse bad changes atomically",
          "[collector][people]") {
  TempDir dir;
  CODEPULSE_STORE_TARGET(target, dir);
  auto opened = open_store(target.db);
  REQUIRE(opened);
  Store& store = **opened;
  auto empty = store.load_people();
  REQUIRE(empty);
  CHECK(empty->people.empty());

  REQUIRE(store.edit_people([](PeopleRows& d) {
    d = small_directory();
    return Status{};
  }));
  auto stored = store.load_people();
  REQUIRE(stored);
  CHECK(without_team_ids(*stored) == small_directory());

  auto refused = [&](const PeopleEdit& edit) {
    auto s = store.edit_people(edit);
    REQUIRE_FALSE(s);
    auto after = store.load_people();
    REQUIRE(after);
    CHECK(without_team_ids(*after) == small_directory());  // nothing changed
    return s.error().message;
  };
  // Groups under each other: a cycle.
  CHECK(refused([](PeopleRows& d) {
          d.teams.push_back({"g1", TeamKind::kGroup, "g2"});
          d.teams.push_back({"g2", TeamKind::kGroup, "g1"});
          return Status{};
        }).find("its parents make a cycle") != std::string::npos);
  // A team above a group, an unknown parent.
  CHECK(refused([](PeopleRows& d) {
          d.teams.push_back({"g3", TeamKind::kGroup, "api"});
          return Status{};
        }) == "group 'g3' cannot be under team 'api' (organisation > group > team)");
  CHECK(refused([](PeopleRows& d) {
          d.teams.push_back({"t9", TeamKind::kTeam, "nowhere"});
          return Status{};
        }) == "team 't9': unknown parent 'nowhere'");
  // One alias, two people (any case).
  CHECK(refused([](PeopleRows& d) {
          PersonRow bob;
          bob.email = "bob@acme.example";
          bob.aliases = {"A.Smith@acme.example"};
          return upsert_person(d, bob) ? Status{} : make_error("upsert");
        }) ==
        "person bob@acme.example: 'a.smith@acme.example' is already alice@acme.example's "
        "(an email or alias belongs to one person)");
  // Two teams on one day.
  CHECK(refused([](PeopleRows& d) {
          d.memberships.push_back({1, "api", "2026-06-01", "2026-06-30"});
          return Status{};
        }).find("overlaps team 'api' of alice@acme.example") != std::string::npos);
  CHECK(refused([](PeopleRows& d) {
          d.levels = {{1, "L7", "", ""}};
          return Status{};
        }) == "level 'L7' of alice@acme.example from the start to open: unknown level 'L7'");
  CHECK(refused([](PeopleRows& d) {
          d.memberships = {{1, "api", "2026-02-30", ""}};
          return Status{};
        }) ==
        "team 'api' of alice@acme.example from 2026-02-30 to open: '2026-02-30' is not a day "
        "(YYYY-MM-DD)");
  CHECK(refused([](PeopleRows&) { return Status(make_error("the edit's own error")); }) ==
        "the edit's own error");

  // The edits SCIM builds on: upsert by email keeps the id, deactivation
  // ends the open periods.
  REQUIRE(store.edit_people([](PeopleRows& d) -> Status {
    PersonRow again = d.people[0];
    again.id = 0;
    again.display_name = "Alice Smith";
    auto id = upsert_person(d, again);
    if (!id) return id.error();
    PersonRow bob;
    bob.email = "Bob@Acme.example";
    auto bob_id = upsert_person(d, bob, std::vector<PeriodRow>{{0, "api", "2026-03-01", ""}});
    if (!bob_id) return bob_id.error();
    return *id == 1 && *bob_id == 2 ? deactivate_person(d, 1, "2026-12-31") : make_error("ids");
  }));
  stored = store.load_people();
  REQUIRE(stored);
  REQUIRE(stored->people.size() == 2);
  CHECK(stored->people[0].display_name == "Alice Smith");
  CHECK_FALSE(stored->people[0].active);
  CHECK(stored->people[1].email == "bob@acme.example");
  CHECK(stored->memberships[0].to_day == "2026-12-31");
  CHECK(find_person(*stored, "A.SMITH@acme.example")->id == 1);
}

TEST_CASE("people import is atomic, and reports group by person, team, group, org and level",
          "[collector][people]") {
  TempDir dir;
  CODEPULSE_STORE_TARGET(target, dir);
  {
    auto store = open_store(target.db);
    REQUIRE(store);
    // $5 + $10 + $15 for alice (two emails), $20 for bob (no one's).
    REQUIRE(
        (*store)->ingest("alice@acme.example",
                         decoded_batch("b1", {input_record("a1", kNov10, 1'000'000, "api"),
                                              input_record("a3", kNov15Early, 3'000'000, "web")})));
    REQUIRE(
        (*store)->ingest("a.smith@acme.example",
                         decoded_batch("b2", {input_record("a2", kNov14Late, 2'000'000, "api")})));
    REQUIRE((*store)->ingest("bob@acme.example",
                             decoded_batch("b3", {input_record("b1", kNov12, 4'000'000, "api")})));
  }
  const std::string csv = dir / "people.csv";
  write_file(csv, kGoodCsv);
  // No level list yet: L2 is unknown, at the first line naming it.
  auto early = run_collector({"people", "import", csv, "--db", target.db});
  CHECK(early.exit_code == 1);
  CHECK(early.err.find(csv + ":2: level 'L2' of alice@acme.example from 2026-01-01 to "
                             "2026-11-14: unknown level 'L2' (nothing imported)") !=
        std::string::npos);
  REQUIRE(run_collector({"people", "levels", "set", "L1,L2,L3,L4", "--db", target.db}).exit_code ==
          0);
  auto imported = run_collector({"people", "import", csv, "--db", target.db});
  INFO(imported.err);
  REQUIRE(imported.exit_code == 0);
  CHECK(
      imported.out.find("imported 2 people, 5 teams and groups, 3 memberships, 2 level periods") !=
      std::string::npos);

  // A bad row anywhere: FILE:LINE, and the directory is as it was.
  auto listed = run_collector({"people", "list", "--format", "json", "--db", target.db});
  REQUIRE(listed.exit_code == 0);
  const std::string bad = dir / "bad.csv";
  write_file(bad, std::string(kGoodCsv) + "dave@acme.example,Dave,,,ops,,,,2026-02-30,\n");
  auto refused = run_collector({"people", "import", bad, "--db", target.db});
  CHECK(refused.exit_code == 1);
  CHECK(refused.err.find(bad + ":5: from: '2026-02-30' is not a day (YYYY-MM-DD) (nothing "
                               "imported)") != std::string::npos);
  write_file(bad, std::string(kGoodCsv) + "dave@acme.example,Dave,,,ops,,,,,\n" +
                      "erin@acme.example,Erin,Alice-GH,,,,,,,\n");
  refused = run_collector({"people", "import", bad, "--db", target.db});
  CHECK(refused.err.find(bad + ":6: person erin@acme.example: 'alice-gh' is already "
                               "alice@acme.example's") != std::string::npos);
  write_file(bad, std::string(kGoodCsv) + "carol@acme.example,,,,web,product,acme,,2026-06-01,\n");
  refused = run_collector({"people", "import", bad, "--db", target.db});
  CHECK(refused.err.find(bad + ":5: team 'web' of carol@acme.example from 2026-06-01 to open "
                               "overlaps team 'api'") != std::string::npos);
  write_file(bad, "email,team,group\nx@acme.example,api,platform\ny@acme.example,api,product\n");
  refused = run_collector({"people", "import", bad, "--db", target.db});
  CHECK(refused.err.find(bad + ":3: team 'api' is under 'product' here but under 'platform' on an "
                               "earlier line") != std::string::npos);
  write_file(bad, "mail,team\nx@acme.example,api\n");
  refused = run_collector({"people", "import", bad, "--db", target.db});
  CHECK(refused.err.find(bad + ":1: unknown column 'mail'") != std::string::npos);
  auto still = run_collector({"people", "list", "--format", "json", "--db", target.db});
  CHECK(still.out == listed.out);

  auto show = run_collector({"people", "show", "A.Smith@acme.example", "--db", target.db});
  REQUIRE(show.exit_code == 0);
  CHECK(show.out.find("alice@acme.example (id 1)") != std::string::npos);
  CHECK(show.out.find("team     web from 2026-11-15 to open") != std::string::npos);

  auto report = [&](const std::string& by, const std::vector<std::string>& more = {}) {
    std::vector<std::string> args = {"report",     "--db",     target.db,    "--since",
                                     "2026-11-01", "--until",  "2026-11-30", "--group-by",
                                     by,           "--format", "csv"};
    args.insert(args.end(), more.begin(), more.end());
    auto r = run_collector(args);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    return r.out;
  };
  // Hand counted: alice $5 (10th, api) + $10 (14th 23:50, api, as
  // a.smith@) + $15 (15th 00:10, web); bob $20 in no team.
  const std::string team = report("team");
  CHECK(cell(team, "api", "cost_nanos") == "15000000000");
  CHECK(cell(team, "web", "cost_nanos") == "15000000000");
  CHECK(cell(team, "(no team)", "cost_nanos") == "20000000000");
  const std::string person = report("person");
  CHECK(cell(person, "alice@acme.example", "cost_nanos") == "30000000000");
  CHECK(cell(person, "alice@acme.example", "records") == "3");
  CHECK(cell(person, "(no person)", "cost_nanos") == "20000000000");
  CHECK(cell(report("group"), "platform", "cost_nanos") == "15000000000");
  CHECK(cell(report("org"), "acme", "cost_nanos") == "30000000000");
  CHECK(cell(report("level"), "L3", "cost_nanos") == "15000000000");
  CHECK(cell(report("level"), "(no level)", "cost_nanos") == "20000000000");
  CHECK(cell(report("team", {"--where", "team=web"}), "web", "input") == "3000000");
  // Every grouping adds up to the ungrouped total: $50.
  auto json = run_collector({"report", "--db", target.db, "--since", "2026-11-01", "--until",
                             "2026-11-30", "--group-by", "team,level", "--format", "json"});
  REQUIRE(json.exit_code == 0);
  CHECK(json.out.find("\"cost_nanos\":50000000000") != std::string::npos);

  auto unmapped = run_collector({"people", "unmapped", "--format", "json", "--db", target.db});
  REQUIRE(unmapped.exit_code == 0);
  CHECK(unmapped.out ==
        "{\"unmapped\":[{\"author\":\"bob@acme.example\",\"records\":1,\"commits\":0,"
        "\"cost_usd\":20.000000}]}\n");
}
