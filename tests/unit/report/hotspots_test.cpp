// Hotspots ranked from commit facts (docs/HOTSPOTS.md): the score's three
// parts, the AI share of changes and lines, rework of the range's lines,
// merges, the repository filter, the limit, and bad settings named.
#include "collector/report/hotspots.hpp"

#include <catch2/catch.hpp>

using namespace codepulse;
using namespace codepulse::collector;

namespace {

constexpr int64_t kDay = 86'400'000;
constexpr int64_t kT0 = 1'790'000'000'000;

CommitRecord commit(const std::string& sha, int64_t day, const std::string& author,
                    std::vector<CommitFile> files,
                    const std::string& repo = "github.com/acme/api") {
  CommitRecord c;
  c.repo = repo;
  c.sha = sha;
  c.parents = {"p" + sha};
  c.author_email = author;
  c.committer_ms = kT0 + day * kDay;
  c.files = std::move(files);
  return c;
}

CommitFile file(const std::string& path, int64_t added, int64_t removed, int64_t scored = 0,
                int64_t ai = 0) {
  CommitFile f;
  f.path = path;
  f.added = added;
  f.removed = removed;
  f.lines_added = scored;
  f.ai_lines_added = ai;
  return f;
}

report::CommitFacts facts() {
  report::CommitFacts f;
  f.commits = {
      commit("a1", 0, "dev@acme.example", {file("core.py", 60, 0, 60, 40), file("README", 1, 0)}),
      commit("a2", 5, "mate@acme.example", {file("core.py", 2, 2, 2, 0)}),
      commit("a3", 10, "dev@acme.example", {file("util.py", 10, 0, 10, 0)}),
      // 20 days in: a heavy rewrite of core.py (55 removed), by a third person.
      commit("a4", 20, "Lead@Acme.example", {file("core.py", 40, 55, 40, 0)}),
      commit("a5", 22, "DEV@acme.example ", {file("core.py", 1, 1), file("util.py", 1, 1)}),
      // Before the range, and in another repository.
      commit("old", -3, "dev@acme.example", {file("core.py", 500, 500)}),
      commit("w1", 21, "dev@acme.example", {file("core.py", 9, 90)}, "github.com/acme/web"),
  };
  f.commits[1].ai_coauthor = true;
  CommitRecord merge = commit("m1", 23, "dev@acme.example", {file("core.py", 70, 70)});
  merge.parents = {"x", "y"};
  f.commits.push_back(merge);
  f.rework_of_commits = {{"github.com/acme/api", "a1", "core.py", "a2", kT0 + 5 * kDay, 2},
                         {"github.com/acme/api", "a1", "core.py", "a4", kT0 + 20 * kDay, 53},
                         {"github.com/acme/api", "old", "core.py", "a2", kT0 + 5 * kDay, 7}};
  return f;
}

}  // namespace

TEST_CASE("hotspots rank files by changes, distinct authors and recent heavy rewrites, by hand",
          "[hotspots]") {
  HotspotOptions o;  // the last 14 days of the range; 50 lines removed is heavy
  o.repo = "github.com/acme/api";
  const int64_t since = kT0, until = kT0 + 30 * kDay;
  const auto spots = rank_hotspots(facts(), since, until, o, {{{o.repo, "util.py"}, 1234}});
  REQUIRE(spots.size() == 3);
  const Hotspot& core = spots[0];
  CHECK(core.path == "core.py");
  // a1, a2, a4, a5 (the merge changes no file, `old` is before the range).
  CHECK(core.changes == 4);
  CHECK(core.authors == 3);  // dev (any case, spaces), mate, lead
  CHECK(core.heavy_rewrites == 1);
  CHECK(core.score == 4 + 2 * 2 + 5 * 1);
  CHECK(core.lines_added == 103);
  CHECK(core.lines_removed == 58);
  CHECK(core.ai_changes == 2);  // a1 (AI-written lines) and a2 (a trailer)
  CHECK(core.scored_lines == 102);
  CHECK(core.ai_lines == 40);
  CHECK(core.reworked_lines == 55);  // of a1's lines; old's 7 are not the range's
  CHECK(core.last_change_ms == kT0 + 22 * kDay);
  CHECK_FALSE(core.cost_nanos);
  CHECK(spots[1].path == "util.py");
  CHECK(spots[1].score == 2);
  CHECK(spots[1].cost_nanos == 1234);
  CHECK(spots[2].path == "README");
  CHECK(spots[2].score == 1);

  // The rewrite 20 days in is not recent when only the last 5 days count.
  o.recent_days = 5;
  CHECK(rank_hotspots(facts(), since, until, o)[0].heavy_rewrites == 0);
  // Every repository, at most two files: web's core.py, rewritten 21 days
  // in (1 + 5), comes second.
  HotspotOptions all;
  all.limit = 2;
  const auto top = rank_hotspots(facts(), since, until, all);
  REQUIRE(top.size() == 2);
  CHECK(top[0].repo == "github.com/acme/api");
  CHECK(top[1].repo == "github.com/acme/web");
  CHECK(top[1].score == 6);
  CHECK(rank_hotspots(facts(), since, until, HotspotOptions{}).size() == 4);
}

TEST_CASE("hotspot settings are checked and named, the output says how it scores", "[hotspots]") {
  HotspotOptions o;
  CHECK(set_hotspot_option(o, "recent-days", "7").value());
  CHECK(o.recent_days == 7);
  CHECK(set_hotspot_option(o, "heavy_rewrite_lines", "200").value());
  CHECK(o.heavy_rewrite_lines == 200);
  CHECK(set_hotspot_option(o, "limit", "0").value());
  CHECK_FALSE(set_hotspot_option(o, "since", "x").value());
  auto bad = set_hotspot_option(o, "recent-days", "0");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message == "recent-days: expected a whole number from 1 to 365, got '0'");
  CHECK_FALSE(set_hotspot_option(o, "repo", ""));

  const auto spots = rank_hotspots(facts(), kT0, kT0 + 30 * kDay, HotspotOptions{});
  const std::string json = render_hotspots(spots, HotspotOptions{}, "json");
  INFO(json);
  CHECK(json.find(R"("scoring":"score = changes + 2 x (authors - 1) + 5 x heavy_rewrites)") !=
        std::string::npos);
  CHECK(json.find(R"("path":"core.py","score":13,"changes":4,"authors":3,"heavy_rewrites":1)") !=
        std::string::npos);
  const std::string csv = render_hotspots(spots, HotspotOptions{}, "csv");
  INFO(csv);
  CHECK(csv.find("github.com/acme/api,core.py,13,4,3,1,103,58,2,102,40,55,") != std::string::npos);
  CHECK(render_hotspots({}, HotspotOptions{}, "table").find("(no file changed in the range)") !=
        std::string::npos);
}
