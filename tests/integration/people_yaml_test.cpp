// people import FILE.yaml: the CSV's directory from its YAML twin (the same
// `people list` afterwards), and bad YAML refused as FILE:LINE with nothing
// imported (SQLite and PostgreSQL).
#include <catch2/catch.hpp>

#include "tests/support/collector_fixture.hpp"
#include "tests/support/store_targets.hpp"

using namespace codepulse;
using namespace codepulse::test;

namespace {

const char* kCsv =
    "email,name,aliases,role,team,group,org,level,from,to\n"
    "Alice@acme.example,Alice Smith,a.smith@acme.example;alice-gh,engineer,api,platform,acme,L2,"
    "2026-01-01,2026-11-14\n"
    "alice@acme.example,,,,web,product,acme,L3,2026-11-15,\n"
    "carol@acme.example,Carol,,manager,api,platform,acme,,,\n";

// The same directory in YAML: periods under a person, flow and block forms,
// quotes and comments.
const char* kYaml =
    "# people of acme\n"
    "people:\n"
    "  - email: Alice@acme.example\n"
    "    name: \"Alice Smith\"\n"
    "    aliases: [a.smith@acme.example, alice-gh]\n"
    "    role: engineer   # her role\n"
    "    periods:\n"
    "      - {team: api, group: platform, org: acme, level: L2, from: 2026-01-01, to: 2026-11-14}\n"
    "      - team: web\n"
    "        group: product\n"
    "        org: acme\n"
    "        level: L3\n"
    "        from: '2026-11-15'\n"
    "  - email: carol@acme.example\n"
    "    name: Carol\n"
    "    role: manager\n"
    "    team: api\n"
    "    group: platform\n"
    "    org: acme\n";

}  // namespace

TEST_CASE("people import reads YAML as it reads CSV, and refuses bad YAML at its line",
          "[collector][people]") {
  TempDir dir;
  CODEPULSE_STORE_TARGET(target, dir);
  REQUIRE(run_collector({"people", "levels", "set", "L1,L2,L3,L4", "--db", target.db}).exit_code ==
          0);
  const std::string csv = dir / "people.csv", yaml = dir / "people.yaml";
  write_file(csv, kCsv);
  write_file(yaml, kYaml);
  REQUIRE(run_collector({"people", "import", csv, "--db", target.db}).exit_code == 0);
  const std::string from_csv =
      run_collector({"people", "list", "--format", "json", "--db", target.db}).out;
  auto imported = run_collector({"people", "import", yaml, "--db", target.db});
  INFO(imported.err);
  REQUIRE(imported.exit_code == 0);
  CHECK(
      imported.out.find("imported 2 people, 5 teams and groups, 3 memberships, 2 level periods") !=
      std::string::npos);
  CHECK(run_collector({"people", "list", "--format", "json", "--db", target.db}).out == from_csv);

  const std::string bad = dir / "bad.yml";
  const std::pair<std::string, std::string> cases[] = {
      {std::string(kYaml) +
           "  - email: dave@acme.example\n    periods:\n      - {team: ops, from: 2026-02-30}\n",
       ":22: from: '2026-02-30' is not a day (YYYY-MM-DD)"},
      {std::string(kYaml) + "  - email: erin@acme.example\n    aliases: [Alice-GH]\n",
       ":20: person erin@acme.example: 'alice-gh' is already alice@acme.example's"},
      {std::string(kYaml) + "  - email: x@acme.example\n    nickname: X\n",
       ":20: unknown person key 'nickname'"},
      {std::string(kYaml) + "  - name: No Mail\n", ":20: email: required"},
      {"people:\n  - email: &a x@acme.example\n",
       ":2: '&a x@acme.example': anchors, aliases, tags"},
      {"people:\n\t- email: x@acme.example\n", ":2: a tab in the indentation"},
      {"people:\n  - email: x@acme.example\n     name: X\n", ":3: unexpected indentation"},
      {"staff:\n  - email: x@acme.example\n", ":1: unknown key 'staff'"},
      {"people:\n  - email: x@acme.example\n    periods: [{team: a}\n",
       ":3: '[{team: a}': a flow collection must end on its line"},
  };
  for (const auto& [text, error] : cases) {
    write_file(bad, text);
    auto refused = run_collector({"people", "import", bad, "--db", target.db});
    INFO(text << " -> " << refused.err);
    CHECK(refused.exit_code == 1);
    CHECK(refused.err.find(bad + error) != std::string::npos);
    CHECK(refused.err.find("(nothing imported)") != std::string::npos);
  }
  CHECK(run_collector({"people", "list", "--format", "json", "--db", target.db}).out == from_csv);
}
