// Hotspots end to end (docs/HOTSPOTS.md): a scripted repository two
// developers change over a month, each one's commits read by their own
// tracker's real GitScan and shipped by the real `flush`, then ranked by
// `codepulse-collector hotspots` and GET /v1/hotspots with hand-counted
// numbers.
#include <catch2/catch.hpp>
#include <ctime>

#include "common/time.hpp"
#include "tests/support/collector_fixture.hpp"
#include "tests/support/git_repo.hpp"
#include "tests/support/test_support.hpp"
#include "tests/support/tls_peer.hpp"
#include "tracker/flow/git_scan.hpp"
#include "tracker/queue/commit_store.hpp"
#include "tracker/queue/local_store.hpp"

using namespace codepulse;
using namespace codepulse::tracker;
using namespace codepulse::test;

namespace {

int64_t today() {
  return (::time(nullptr) - GitRepoBuilder::kEpochS) / 86'400;
}

// One developer's laptop: their tracker's state, scanning the shared
// repository as them and flushing to the collector with their token.
void scan_and_flush(const std::string& state, const std::string& root, const std::string& email,
                    CollectorFixture& c, const std::string& token, int64_t now_day) {
  REQUIRE(LocalStore::prepare_state_dir(state));
  {
    auto store = LocalStore::open(state);
    REQUIRE(store);
    REQUIRE(CommitStore(store->database()).note_repo(root, "github.com/acme/api"));
    GitScanOptions o;
    o.identities = {email};
    auto stats = GitScan(store->database(), o).run(GitRepoBuilder::day_ms(now_day));
    REQUIRE(stats);
    CHECK(stats->problems.empty());
  }
  const CommandResult r = run({tracker_bin(), "flush", "--state", state, "--collector", c.url(),
                               "--ca-file", c.ca(), "--token-file", token, "--timeout", "20"});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
}

std::string cli(std::vector<std::string> args) {
  args.insert(args.begin(), collector_bin());
  const CommandResult r = run(args);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return r.out;
}

}  // namespace

TEST_CASE("hotspots of a scripted repository, by hand, from the CLI and over HTTP",
          "[hotspots][git][server]") {
  TempDir dir;
  CollectorFixture c(dir / "collector");
  const std::string dev_token = c.token_file("dev@acme.example");
  const std::string mate_token = c.token_file("mate@acme.example");
  const std::string viewer = c.token_of(c.token_file("lead@acme.example", "viewer"));
  c.start();
  const GitPerson dev{"Dev", "dev@acme.example"}, mate{"Mate", "mate@acme.example"};
  GitRepoBuilder repo(dir / "api");
  const int64_t d0 = today() - 30;
  // d0: dev writes core.py (60 lines) and a README line.
  repo.write("src/core.py", GitRepoBuilder::numbered_lines("line ", 60));
  repo.write("README.md", "api\n");
  repo.commit("core", d0, 0, dev);
  // d0+5: mate changes core.py's first two lines (2 of d0's lines reworked).
  repo.write(
      "src/core.py", "changed 1\nchanged 2\n" + [] {
        std::string rest;
        for (int i = 3; i <= 60; ++i)
          rest += "line " + std::to_string(i) + "\n";
        return rest;
      }());
  repo.commit("tweak", d0 + 5, 0, mate);
  // d0+10: dev adds util.py (10 lines).
  repo.write("src/util.py", GitRepoBuilder::numbered_lines("util ", 10));
  repo.commit("util", d0 + 10, 0, dev);
  // d0+20 (10 days ago): mate rewrites core.py: lines 1-55 out (2 of
  // d0+5's, 53 of d0's), 40 new ones in. A heavy rewrite, and recent.
  std::string rewritten = GitRepoBuilder::numbered_lines("new ", 40);
  for (int i = 56; i <= 60; ++i)
    rewritten += "line " + std::to_string(i) + "\n";
  repo.write("src/core.py", rewritten);
  repo.commit("rewrite", d0 + 20, 0, mate);
  // d0+22: dev changes one line of each (1 of d0+20's, 1 of d0+10's reworked).
  repo.write("src/core.py", "newer 1\n" + rewritten.substr(rewritten.find('\n') + 1));
  repo.write("src/util.py", "util one\n" + GitRepoBuilder::numbered_lines("util ", 10).substr(7));
  repo.commit("polish", d0 + 22, 0, dev);

  scan_and_flush(dir / "dev-state", repo.root(), "dev@acme.example", c, dev_token, d0 + 25);
  scan_and_flush(dir / "mate-state", repo.root(), "mate@acme.example", c, mate_token, d0 + 25);

  const std::string since = format_iso8601_utc_ms(GitRepoBuilder::day_ms(d0 - 1)).substr(0, 10);
  const std::string json = cli({"hotspots", "--db", c.db(), "--since", since, "--format", "json"});
  INFO(json);
  // core.py: 4 changes, 2 authors, 1 recent heavy rewrite: 4 + 2 + 5 = 11;
  // 60 + 2 + 40 + 1 added, 0 + 2 + 55 + 1 removed; its range's lines
  // reworked: 2 + 53 of d0's, 2 of d0+5's, 1 of d0+20's = 58.
  CHECK(json.find(R"("repo":"github.com/acme/api","path":"src/core.py","score":11,"changes":4,)"
                  R"("authors":2,"heavy_rewrites":1,"lines_added":103,"lines_removed":58,)") !=
        std::string::npos);
  CHECK(json.find(R"("reworked_lines":58,)") != std::string::npos);
  // util.py: 2 changes, 1 author: 2; one of its lines reworked. README: 1.
  CHECK(json.find(R"("path":"src/util.py","score":2,"changes":2,"authors":1,)"
                  R"("heavy_rewrites":0,"lines_added":11,"lines_removed":1,)") !=
        std::string::npos);
  CHECK(json.find(R"("path":"README.md","score":1,)") != std::string::npos);
  CHECK(json.find("src/core.py") < json.find("src/util.py"));
  CHECK(json.find("src/util.py") < json.find("README.md"));

  auto get = [&](const std::string& token, const std::string& path) {
    return https_call(c.port(), c.ca(), "GET", path,
                      token.empty() ? std::vector<std::string>{}
                                    : std::vector<std::string>{"Authorization: Bearer " + token});
  };
  auto http = get(viewer, "/v1/hotspots?since=" + since);
  REQUIRE(http.status == 200);
  CHECK(http.body == json);
  auto csv = get(viewer, "/v1/hotspots?since=" + since + "&format=csv&limit=1");
  REQUIRE(csv.status == 200);
  CHECK(csv.body ==
        cli({"hotspots", "--db", c.db(), "--since", since, "--format", "csv", "--limit", "1"}));
  CHECK(csv.body.find("src/util.py") == std::string::npos);
  CHECK(get("", "/v1/hotspots").status == 401);
  CHECK(get(c.token_of(dev_token), "/v1/hotspots").status == 403);
  auto bad = get(viewer, "/v1/hotspots?heavy_rewrite_lines=-3");
  CHECK(bad.status == 400);
  CHECK(bad.body.find("heavy_rewrite_lines: expected a whole number from 1 to 1000000") !=
        std::string::npos);
  CHECK(get(viewer, "/v1/hotspots?colour=red").status == 400);

  // By team and by person (the people directory: dev in api, mate in web,
  // both under platform). Only dev's commits for team api: core.py d0 and
  // d0+22 (2 changes, 1 author, no heavy rewrite: 2), 61 lines added and 1
  // removed, d0's lines reworked 2 + 53 = 55 (rework counts the lines the
  // kept commits added, whoever reworked them); util.py 2; README 1.
  const std::string people = dir / "people.csv";
  write_file(people,
             "email,name,aliases,role,team,group,org,level,from,to\n"
             "dev@acme.example,Dev,,engineer,api,platform,acme,,,\n"
             "mate@acme.example,Mate,mate@users.noreply.example,engineer,web,platform,acme,,,\n");
  cli({"people", "import", people, "--db", c.db()});
  const std::string team =
      cli({"hotspots", "--db", c.db(), "--since", since, "--team", "api", "--format", "json"});
  INFO(team);
  CHECK(team.find(R"("team":"api","person":"")") != std::string::npos);
  CHECK(team.find(R"("path":"src/core.py","score":2,"changes":2,"authors":1,"heavy_rewrites":0,)"
                  R"("lines_added":61,"lines_removed":1,)") != std::string::npos);
  CHECK(team.find(R"("reworked_lines":55,)") != std::string::npos);
  CHECK(team.find(R"("path":"src/util.py","score":2,)") != std::string::npos);
  // mate by email: core.py d0+5 and d0+20, the heavy rewrite 10 days ago:
  // 2 + 5 = 7; 42 added, 57 removed; reworked 2 of d0+5's and 1 of d0+20's.
  const std::string person = cli({"hotspots", "--db", c.db(), "--since", since, "--person",
                                  "MATE@acme.example", "--format", "json"});
  INFO(person);
  CHECK(person.find(R"("path":"src/core.py","score":7,"changes":2,"authors":1,"heavy_rewrites":1,)"
                    R"("lines_added":42,"lines_removed":57,)") != std::string::npos);
  CHECK(person.find(R"("reworked_lines":3,)") != std::string::npos);
  CHECK(person.find("util.py") == std::string::npos);
  CHECK(person.find("README.md") == std::string::npos);
  // The group holds both: the same files as no filter.
  CHECK(get(viewer, "/v1/hotspots?since=" + since + "&team=platform").body ==
        cli({"hotspots", "--db", c.db(), "--since", since, "--team", "platform", "--format",
             "json"}));
  CHECK(get(viewer, "/v1/hotspots?since=" + since + "&team=platform").body.find(
            R"("path":"src/core.py","score":11,)") != std::string::npos);
  auto unknown = get(viewer, "/v1/hotspots?team=search");
  CHECK(unknown.status == 400);
  CHECK(unknown.body.find("no such team: 'search' is no team, group or org") !=
        std::string::npos);
  CHECK(get(viewer, "/v1/hotspots?team=api&person=dev@acme.example").status == 400);
  auto both = run({collector_bin(), "hotspots", "--db", c.db(), "--team", "api", "--person",
                   "dev@acme.example"});
  CHECK(both.exit_code == 2);
  CHECK(both.err.find("team and person: give one of them") != std::string::npos);
}
