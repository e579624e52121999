// The pass's replay of blame (tracker/git/pass_blame.hpp, line_runs.hpp):
// runs of writers through hunks and merges by hand, then a generated history
// (edits, insertions, deletions, renames, a deleted and recreated file, a
// binary file, branches merged with and without lines of their own, fix
// commits, history older than the log) where every commit's rework and fix
// blame from the replay equal `git blame` file by file (count_rework), the
// assistants' lines included.
#include "tracker/git/pass_blame.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "tests/support/git_repo.hpp"
#include "tests/support/test_support.hpp"
#include "tracker/git/commit_log.hpp"
#include "tracker/git/line_runs.hpp"
#include "tracker/git/patch_deltas.hpp"

using namespace codepulse;
using namespace codepulse::tracker;
using codepulse::test::GitPerson;
using codepulse::test::GitRepoBuilder;
using codepulse::test::TempDir;

namespace {

// One writer per line, for comparing runs.
std::vector<std::pair<int64_t, int64_t>> lines_of(const LineRuns& runs, int64_t limit = 100) {
  std::vector<std::pair<int64_t, int64_t>> out;
  for (const LineRun& r : runs)
    for (int64_t i = 0; i < r.count && static_cast<int64_t>(out.size()) < limit; ++i)
      out.emplace_back(r.writer, r.writer < 0 ? r.first + i : 0);
  return out;
}

// A line is the assistants' when its text ends in '*': the same answer for
// the same text whichever way it is blamed.
class StarClassifier final : public ReworkClassifier {
 public:
  std::optional<bool> is_ai(const std::string&, const std::string&,
                            std::string_view text) override {
    return text.ends_with('*');
  }
};

std::vector<std::string> rendered(std::vector<ReworkedLines> list) {
  std::vector<std::string> out;
  for (const auto& r : list)
    out.push_back(r.original_sha.substr(0, 8) + " " + r.path + " " + std::to_string(r.lines) +
                  " ai " + std::to_string(r.ai_lines));
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("line runs: hunks keep, remove and add writers line by line", "[git]") {
  const LineRuns three = {LineRun{1, 0, 3}};  // writer 1 wrote lines 1-3
  LineRuns out, removed;
  // Line 2 rewritten by writer 2; one line added after line 3.
  REQUIRE(apply_hunks(three, {{2, 1, 2, 1}, {3, 0, 4, 1}}, 2, out, &removed));
  CHECK(lines_of(out) == std::vector<std::pair<int64_t, int64_t>>{{1, 0}, {2, 0}, {1, 0}, {2, 0}});
  CHECK(lines_of(removed) == std::vector<std::pair<int64_t, int64_t>>{{1, 0}});
  // Added at the top (old start 0, no line removed).
  REQUIRE(apply_hunks(three, {{0, 0, 1, 2}}, 3, out, nullptr));
  CHECK(lines_of(out).size() == 5);
  CHECK(out.front().writer == 3);
  // A version from before the pass keeps its line numbers through edits.
  REQUIRE(apply_hunks(unread_version(0), {{2, 2, 2, 1}}, 4, out, &(removed = {})));
  CHECK(lines_of(out, 4) ==
        std::vector<std::pair<int64_t, int64_t>>{{-1, 1}, {4, 0}, {-1, 4}, {-1, 5}});
  CHECK(lines_of(removed) == std::vector<std::pair<int64_t, int64_t>>{{-1, 2}, {-1, 3}});
  // Hunks that do not fit: out of order, or past the end.
  CHECK_FALSE(apply_hunks(three, {{3, 1, 3, 1}, {1, 1, 1, 1}}, 2, out, nullptr));
  CHECK_FALSE(apply_hunks(three, {{3, 2, 3, 0}}, 2, out, nullptr));
  // A merge: the first parent's lines, the second's where the first lacks them.
  const LineRuns first = {LineRun{1, 0, 2}, LineRun{9, 0, 2}, LineRun{1, 0, 1}};
  const LineRuns second = {LineRun{5, 0, 3}, LineRun{9, 0, 1}, LineRun{6, 0, 1}};
  CHECK(lines_of(overlay(first, second, 9)) ==
        std::vector<std::pair<int64_t, int64_t>>{{1, 0}, {1, 0}, {5, 0}, {9, 0}, {1, 0}});
}

TEST_CASE("the pass's replay names the writers git blame names, commit by commit", "[git]") {
  TempDir dir;
  GitRepoBuilder repo(dir / "repo");
  std::mt19937 rng(20261206);
  const auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  std::vector<std::string> names = {"src/a.txt", "src/b.txt", "src/c.txt", "lib/d.txt",
                                    "lib/e.txt"};
  std::map<std::string, std::vector<std::string>> files;
  const auto save = [&](const std::string& name) {
    std::string text;
    for (const auto& l : files[name])
      text += l + "\n";
    repo.write(name, text);
  };
  for (const auto& n : names) {
    for (int i = 0; i < 30; ++i)
      files[n].push_back(n + " line " + std::to_string(i));
    save(n);
  }
  repo.commit("initial", 0);
  // The model of the files, read back from what git holds at HEAD.
  const auto sync = [&]() {
    for (const auto& n : names)
      files[n] = repo.lines_at("HEAD", n);
  };
  const GitPerson other{"Other", "other@acme.example"};
  // Edits to one or two files: rewrite, insert, delete; some lines the
  // assistants' ('*'); sometimes a rename or a file deleted and recreated.
  const auto edit = [&](int c, std::vector<std::string> among) {
    for (int k = 0; k < 1 + pick(2); ++k) {
      const std::string name = among[pick(static_cast<int>(among.size()))];
      auto& lines = files[name];
      const int op = pick(10);
      if (op == 0 && lines.size() > 5) {
        lines.erase(lines.begin() + pick(static_cast<int>(lines.size()) - 3), lines.end() - 2);
      } else if (op <= 2) {
        const int at = pick(static_cast<int>(lines.size()) + 1);
        for (int i = 0; i < 1 + pick(4); ++i)
          lines.insert(lines.begin() + at, "added " + std::to_string(c) + "." + std::to_string(i) +
                                               (pick(2) ? "*" : ""));
      } else {
        for (int i = 0; i < 1 + pick(5) && !lines.empty(); ++i)
          lines[pick(static_cast<int>(lines.size()))] =
              name + " v" + std::to_string(c) + "." + std::to_string(i) + (pick(3) ? "" : "*");
      }
      save(name);
    }
  };
  int64_t day = 1;
  for (int c = 1; c <= 70; ++c, day += 3) {
    if (c == 20) {  // a rename with a change
      repo.git({"mv", "lib/e.txt", "lib/e2.txt"}, day);
      names[4] = "lib/e2.txt";
      files["lib/e2.txt"] = files["lib/e.txt"];
      files["lib/e2.txt"][3] = "renamed and changed";
      save("lib/e2.txt");
    }
    if (c == 30) repo.write("bin/blob.dat", std::string("\0\1\2binary", 9));
    if (c == 35) {  // deleted, then written again two commits later
      repo.git({"rm", "-q", "src/c.txt"}, day);
      files.erase("src/c.txt");
      names[2] = "src/b.txt";
    }
    if (c == 37) {
      names[2] = "src/c.txt";
      for (int i = 0; i < 12; ++i)
        files["src/c.txt"].push_back("again " + std::to_string(i));
      save("src/c.txt");
    }
    if (c == 45 || c == 60) {
      // A branch with two commits (one by someone else) in src/, main moving
      // on in lib/, then a clean merge; the second merge adds a line of its own.
      const std::string branch = "topic" + std::to_string(c);
      repo.git({"checkout", "-q", "-b", branch}, day);
      edit(c * 100, {"src/a.txt", "src/b.txt"});
      repo.commit("topic work PROJ-" + std::to_string(c), day, 10);
      edit(c * 100 + 1, {"src/a.txt", "src/b.txt"});
      repo.commit("more topic work", day, 20, other);
      repo.git({"checkout", "-q", "main"}, day);
      sync();
      edit(c * 100 + 2, {"lib/d.txt"});
      repo.commit("main work", day, 25);
      repo.git({"merge", "-q", "--no-ff", "--no-commit", branch}, day, 30);
      if (c == 60) {
        const std::string text = repo.git({"show", ":src/a.txt"}, day, 30);
        repo.write("src/a.txt", "merge's own line*\n" + text);
      }
      repo.commit("merge " + branch, day, 40);
      sync();
      // The next day, the lines the topic (either of its commits) and the
      // merge itself wrote are rewritten: blame reaches them through the merge.
      int rewritten = 0;
      for (const std::string n : {"src/a.txt", "src/b.txt"}) {
        for (auto& line : files[n])
          for (const int t : {c * 100, c * 100 + 1})
            if (line.find("v" + std::to_string(t) + ".") != std::string::npos ||
                line.find("added " + std::to_string(t) + ".") != std::string::npos ||
                line.starts_with("merge's own")) {
              line = "rewritten after the merge " + std::to_string(rewritten++);
              break;
            }
        save(n);
      }
      CHECK(rewritten > 0);
      repo.commit("after the merge", day + 1);
      continue;
    }
    edit(c, names);
    repo.commit((c % 4 == 0 ? "fix BUG-" + std::to_string(c) : "change " + std::to_string(c)), day,
                0, c % 7 == 0 ? other : GitPerson{});
  }

  GitRunner git;
  // The log starts at day 60: older commits are history from before the pass.
  LogRange range;
  range.since_s = GitRepoBuilder::kEpochS + 60 * 86'400;
  auto log = read_commit_log(git, repo.root(), range);
  REQUIRE(log);
  REQUIRE(log->size() > 40);
  ReworkWindows windows{12 * 86'400'000LL, 50 * 86'400'000LL};
  std::vector<ReplayCommit> replay_log;
  int64_t oldest_ms = INT64_MAX;
  for (const CommitRecord& c : *log) {
    replay_log.push_back(
        ReplayCommit{c.sha, c.parents, c.committer_ms, !c.task_keys.empty(), true});
    oldest_ms = std::min(oldest_ms, c.committer_ms);
  }
  auto touches = FileTouches::read(git, repo.root(), (oldest_ms - windows.fix_ms) / 1000);
  REQUIRE(touches);
  // With the file-touch log and without; with a bound of 3 kept runs, where
  // nearly every version is forgotten and blamed by git again.
  const std::vector<std::pair<bool, size_t>> ways = {
      {false, kMaxKeptRuns}, {true, kMaxKeptRuns}, {true, 3}};
  for (const auto& [with_touches, bound] : ways) {
    INFO("with the file-touch log: " << with_touches << ", kept runs at most " << bound);
    const FileTouches* t = with_touches ? &*touches : nullptr;
    StarClassifier by_replay, by_blame;
    GitDiffs replay_diffs(git, repo.root(), replay_diff_options());
    auto replayed =
        replay_rework(git, replay_diffs, repo.root(), replay_log, windows, &by_replay, t, bound);
    REQUIRE(replayed);
    CHECK(replayed->failed.empty());
    CHECK(replayed->blamed.size() == log->size());
    // History before the log is blamed by git once per version at most.
    CHECK(replayed->blames > 0);
    CHECK(replayed->blames < (bound == 3 ? 200 : 20));
    if (bound == 3) CHECK(replayed->blames > 20);
    GitDiffs removed_diffs(git, repo.root(), removed_range_diff_options());
    int64_t reworked = 0, fixes = 0, ai = 0;
    for (const CommitRecord& c : *log) {
      INFO("commit " << c.sha);
      auto by_git = count_rework(git, removed_diffs, repo.root(), c, windows, &by_blame, t);
      REQUIRE(by_git);
      const CommitBlame& mine = replayed->blamed.at(c.sha);
      CHECK(rendered(mine.reworked) == rendered(by_git->reworked));
      CHECK(rendered(mine.fix_blame) == rendered(by_git->fix_blame));
      for (const auto& r : mine.reworked) {
        reworked += r.lines;
        ai += std::max<int64_t>(0, r.ai_lines);
      }
      for (const auto& r : mine.fix_blame)
        fixes += r.lines;
    }
    // The history exercises all three: rework, the assistants' share, fix blame.
    CHECK(reworked > 20);
    CHECK(ai > 0);
    CHECK(fixes > 0);
  }
}

TEST_CASE("patch deltas: blobs and paths and hunks and removed texts, and a bad patch is an error",
          "[git]") {
  const std::string a(40, 'a'), b(40, 'b'), zero(40, '0');
  PatchDeltaReader reader(true);
  const std::vector<std::string> patch = {"diff --git a/x.txt b/y.txt",
                                          "similarity index 90%",
                                          "rename from x.txt",
                                          "rename to y.txt",
                                          "index " + a + ".." + b + " 100644",
                                          "--- a/x.txt",
                                          "+++ b/y.txt",
                                          "@@ -2,2 +2 @@ context",
                                          "-old two",
                                          "-old three",
                                          "+new",
                                          "diff --git a/z b/z",
                                          "deleted file mode 100644",
                                          "index " + b + ".." + zero,
                                          "--- a/z",
                                          "+++ /dev/null",
                                          "@@ -1 +0,0 @@",
                                          "-gone"};
  for (const std::string& line : patch)
    REQUIRE(reader.feed(line, false));
  auto files = reader.finish();
  REQUIRE(files);
  REQUIRE(files->size() == 2);
  const FileDelta& renamed = (*files)[0];
  CHECK(renamed.old_path == "x.txt");
  CHECK(renamed.new_path == "y.txt");
  CHECK(renamed.old_blob == a);
  CHECK(renamed.new_blob == b);
  REQUIRE(renamed.hunks.size() == 1);
  CHECK(renamed.hunks[0].old_start == 2);
  CHECK(renamed.hunks[0].old_count == 2);
  CHECK(renamed.hunks[0].new_count == 1);
  CHECK(renamed.removed_texts ==
        std::vector<std::optional<std::string>>{std::string("old two"), std::string("old three")});
  CHECK((*files)[1].new_blob.empty());
  CHECK((*files)[1].new_path.empty());

  PatchDeltaReader short_names(false);
  REQUIRE(short_names.feed("diff --git a/x b/x", false));
  const auto bad = short_names.feed("index abc1234..def5678 100644", false);
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message == "an index line without full object names");
  PatchDeltaReader cut_short(false);
  REQUIRE(cut_short.feed("diff --git a/x b/x", false));
  REQUIRE(cut_short.feed("index " + a + ".." + b, false));
  REQUIRE(cut_short.feed("@@ -1,2 +1 @@", false));
  REQUIRE(cut_short.feed("-one", false));
  const auto ended = cut_short.finish();
  REQUIRE_FALSE(ended);
  CHECK(ended.error().message == "the patch ended inside a hunk");
}
