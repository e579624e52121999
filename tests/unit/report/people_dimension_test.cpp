// The people dimensions (person, team, group, org, level) derived at query
// time from each record's author and UTC day: aliases fold into one person,
// a team move splits spend at the move's day exactly, unknown authors land
// in "(no person)" and "(no team)" so every total stays the ungrouped one,
// and a new timeline re-groups the same cube without refolding.
#include <catch2/catch.hpp>

#include "common/report/people_timeline.hpp"
#include "common/report/report.hpp"
#include "common/report/usage_cube.hpp"

using namespace codepulse;
using namespace codepulse::report;

namespace {

constexpr int64_t kNov10 = 1'794'312'000'000;               // 2026-11-10 12:00 UTC
constexpr int64_t kNov12 = 1'794'474'000'000;               // 2026-11-12 09:00 UTC
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
  return f;
}

// alice (alice@ and her alias A.Smith@) is in api (group platform, org
// acme) at L2 until 2026-11-14, then in web (group product) at L3; bob is
// in no directory.
std::shared_ptr<PeopleTimeline> directory() {
  auto t = std::make_shared<PeopleTimeline>();
  const uint32_t alice = t->add_person("alice@acme.example");
  t->add_alias("alice@acme.example", alice);
  t->add_alias("a.smith@acme.example", alice);
  const uint32_t api = t->add_team({"api", "platform", "acme"});
  const uint32_t web = t->add_team({"web", "product", "acme"});
  const uint32_t l2 = t->add_level("L2");
  const uint32_t l3 = t->add_level("L3");
  t->add_membership(alice, {INT64_MIN, kDay15 - 1, api});
  t->add_membership(alice, {kDay15, INT64_MAX, web});
  t->add_level_span(alice, {INT64_MIN, kDay15 - 1, l2});
  t->add_level_span(alice, {kDay15, INT64_MAX, l3});
  return t;
}

UsageCube cube_of_facts() {
  UsageCube cube;
  cube.add(fact(1, "alice@acme.example", kNov10, 1'000'000));
  cube.add(fact(2, "A.Smith@acme.example", kNov14Late, 2'000'000));
  cube.add(fact(3, "alice@acme.example", kNov15Early, 3'000'000));
  cube.add(fact(4, "bob@acme.example", kNov12, 4'000'000));
  return cube;
}

Report query(const UsageCube& cube, const Params& params, UsageCube::Strategy s) {
  auto request = parse_report_params(params);
  REQUIRE(request);
  auto r = cube.query(request->query, {}, s);
  REQUIRE(r);
  return std::move(r).value();
}

int64_t input_of(const Report& r, const std::string& key) {
  return r.root.children.count(key) ? r.root.children.at(key).metrics.input : -1;
}

}  // namespace

TEST_CASE("people dimensions fold aliases, split a team move at its day and keep totals",
          "[report][people]") {
  UsageCube cube = cube_of_facts();
  cube.set_people(directory());
  for (auto strategy : {UsageCube::Strategy::kHash, UsageCube::Strategy::kSort}) {
    INFO("strategy " << static_cast<int>(strategy));
    const Report whole = query(cube, {{"group_by", "model"}}, strategy);
    CHECK(whole.root.metrics.input == 10'000'000);

    // Alias folding: A.Smith@ is alice.
    const Report person = query(cube, {{"group_by", "person"}}, strategy);
    CHECK(person.root.children.size() == 2);
    CHECK(input_of(person, "alice@acme.example") == 6'000'000);
    CHECK(input_of(person, kNoPerson) == 4'000'000);
    CHECK(person.root.metrics.input == whole.root.metrics.input);

    // The move on the 15th: the 14th at 23:50 UTC is still api.
    const Report team = query(cube, {{"group_by", "team"}}, strategy);
    CHECK(input_of(team, "api") == 3'000'000);
    CHECK(input_of(team, "web") == 3'000'000);
    CHECK(input_of(team, kNoTeam) == 4'000'000);
    CHECK(team.root.metrics.input == 10'000'000);

    const Report group = query(cube, {{"group_by", "group"}}, strategy);
    CHECK(input_of(group, "platform") == 3'000'000);
    CHECK(input_of(group, "product") == 3'000'000);
    CHECK(input_of(group, kNoGroup) == 4'000'000);
    const Report org = query(cube, {{"group_by", "org"}}, strategy);
    CHECK(input_of(org, "acme") == 6'000'000);
    CHECK(input_of(org, kNoOrg) == 4'000'000);
    const Report level = query(cube, {{"group_by", "level"}}, strategy);
    CHECK(input_of(level, "L2") == 3'000'000);
    CHECK(input_of(level, "L3") == 3'000'000);
    CHECK(input_of(level, kNoLevel) == 4'000'000);

    // Nested under person, and filtered.
    const Report nested = query(cube, {{"group_by", "person,team,author"}}, strategy);
    const ReportNode& alice = nested.root.children.at("alice@acme.example");
    CHECK(alice.children.at("api").metrics.input == 3'000'000);
    CHECK(alice.children.at("api").children.size() == 2);  // two emails, one person
    CHECK(alice.children.at("web").metrics.input == 3'000'000);
    const Report web = query(cube, {{"group_by", "author"}, {"where", "team=web"}}, strategy);
    CHECK(web.root.metrics.input == 3'000'000);
    const Report unknown =
        query(cube, {{"group_by", "author"}, {"where", "team=(no team)"}}, strategy);
    CHECK(unknown.root.metrics.input == 4'000'000);
    const Report nobody = query(cube, {{"group_by", "author"}, {"where", "team=ops"}}, strategy);
    CHECK(nobody.root.metrics.input == 0);
  }
}

TEST_CASE("people dimensions follow a new directory without refolding, and none reads as unknown",
          "[report][people]") {
  UsageCube cube = cube_of_facts();
  const Report before = query(cube, {{"group_by", "team"}}, UsageCube::Strategy::kAuto);
  REQUIRE(before.root.children.size() == 1);
  CHECK(input_of(before, kNoTeam) == 10'000'000);
  cube.set_people(directory());
  const Report after = query(cube, {{"group_by", "team"}}, UsageCube::Strategy::kAuto);
  CHECK(input_of(after, "api") == 3'000'000);
  // bob joins ops from the 12th: his record moves with no change to the cube.
  auto t = std::make_shared<PeopleTimeline>(*directory());
  const uint32_t bob = t->add_person("bob@acme.example");
  t->add_alias("BOB@acme.example", bob);
  t->add_membership(bob, {kDay15 - 3, INT64_MAX, t->add_team({"ops", "", ""})});
  cube.set_people(t);
  const Report moved = query(cube, {{"group_by", "team,group"}}, UsageCube::Strategy::kAuto);
  CHECK(input_of(moved, "ops") == 4'000'000);
  CHECK(moved.root.children.at("ops").children.at(kNoGroup).metrics.input == 4'000'000);
  CHECK(moved.root.children.count(kNoTeam) == 0);
  CHECK(t->key(Dimension::kPerson, "Bob@Acme.Example", kDay15) == "bob@acme.example");
  CHECK(t->key(Dimension::kLevel, "bob@acme.example", kDay15) == kNoLevel);
}
