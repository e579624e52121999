// GitObjects (tracker/git/git_objects.hpp) and GitDiffs (git_diffs.hpp):
// blobs, names and patches read through long-lived git children in a real
// repository; what a name resolves to, lines cut past the record limit, a
// name the batch protocol cannot carry, a child stopped between requests,
// and patches equal to what a git process each gives.
#include <algorithm>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "tests/support/git_repo.hpp"
#include "tests/support/test_support.hpp"
#include "tracker/git/file_touches.hpp"
#include "tracker/git/git_diffs.hpp"
#include "tracker/git/git_objects.hpp"

using namespace codepulse;
using namespace codepulse::tracker;
using codepulse::test::GitRepoBuilder;
using codepulse::test::TempDir;

namespace {

std::vector<std::string> lines_of(GitObjects& objects, const std::string& spec, bool& found,
                                  int* cut_lines = nullptr) {
  std::vector<std::string> out;
  auto read = objects.read_blob(spec, [&](std::string_view line, bool cut) {
    out.emplace_back(line);
    if (cut && cut_lines) ++*cut_lines;
    return Status{};
  });
  REQUIRE(read);
  found = *read;
  return out;
}

}  // namespace

TEST_CASE("git objects: names resolve and blobs stream through two children, whatever comes",
          "[git]") {
  TempDir dir;
  GitRepoBuilder repo(dir.path() + "/repo");
  repo.write("src/a.txt", "one\ntwo\nthree\n");
  repo.write("src/with space.txt", "spaced\n");
  repo.write("no-newline.txt", "last line");
  repo.write("long.txt", std::string(300, 'x') + "\nshort\n");
  const std::string first = repo.commit("first", 1);
  repo.write("src/a.txt", "one\n2\nthree\nfour\n");
  const std::string second = repo.commit("second", 2);

  GitLimits limits;
  limits.max_record_bytes = 100;
  GitRunner git(limits);
  GitObjects objects(git, repo.root());

  auto a = objects.info(first + ":src/a.txt");
  REQUIRE(a);
  REQUIRE(a->has_value());
  CHECK((*a)->type == "blob");
  CHECK((*a)->size == 14);
  CHECK((*a)->name.size() == 40);
  auto folder = objects.info(second + ":src");
  REQUIRE(folder);
  REQUIRE(folder->has_value());
  CHECK((*folder)->type == "tree");
  auto gone = objects.info(second + ":src/none.txt");
  REQUIRE(gone);
  CHECK_FALSE(gone->has_value());

  bool found = false;
  CHECK(lines_of(objects, first + ":src/a.txt", found) ==
        std::vector<std::string>{"one", "two", "three"});
  CHECK(found);
  CHECK(lines_of(objects, second + ":src/a.txt", found) ==
        std::vector<std::string>{"one", "2", "three", "four"});
  CHECK(lines_of(objects, (*a)->name, found) == std::vector<std::string>{"one", "two", "three"});
  CHECK(lines_of(objects, second + ":src/with space.txt", found) ==
        std::vector<std::string>{"spaced"});
  CHECK(lines_of(objects, second + ":no-newline.txt", found) ==
        std::vector<std::string>{"last line"});
  int cut = 0;
  const auto long_lines = lines_of(objects, second + ":long.txt", found, &cut);
  REQUIRE(long_lines.size() == 2);
  CHECK(long_lines[0] == std::string(100, 'x'));  // cut at the record limit, flagged
  CHECK(long_lines[1] == "short");
  CHECK(cut == 1);
  CHECK(lines_of(objects, second + ":src/none.txt", found).empty());
  CHECK_FALSE(found);
  // A tree is no blob: an error, and the next request still answers.
  auto tree = objects.read_blob(second + ":src", [](std::string_view, bool) { return Status{}; });
  REQUIRE_FALSE(tree);
  CHECK(tree.error().message.find("names a tree") != std::string::npos);
  CHECK(lines_of(objects, first + ":src/a.txt", found).size() == 3);
  // A caller's error stops the child; the next request starts another.
  auto stopped = objects.read_blob(second + ":src/a.txt",
                                   [](std::string_view, bool) { return make_error("enough"); });
  REQUIRE_FALSE(stopped);
  CHECK(stopped.error().message.find("enough") != std::string::npos);
  CHECK(lines_of(objects, second + ":src/a.txt", found).size() == 4);
  CHECK(objects.processes() == 3);  // --batch-check once, --batch twice
}

TEST_CASE("git objects: a path holding a newline is read with a git process of its own", "[git]") {
  TempDir dir;
  GitRepoBuilder repo(dir.path() + "/repo");
  repo.write("odd\nname.txt", "alpha\nbeta\n");
  const std::string sha = repo.commit("odd", 1);
  GitRunner git;
  GitObjects objects(git, repo.root());
  auto info = objects.info(sha + ":odd\nname.txt");
  REQUIRE(info);
  REQUIRE(info->has_value());
  CHECK((*info)->type == "blob");
  CHECK((*info)->size == 11);
  bool found = false;
  CHECK(lines_of(objects, sha + ":odd\nname.txt", found) ==
        std::vector<std::string>{"alpha", "beta"});
  CHECK(found);
  auto missing = objects.info(sha + ":odd\nother.txt");
  REQUIRE(missing);
  CHECK_FALSE(missing->has_value());
}

TEST_CASE("git objects: a repository that is not one is an error naming it, never a hang",
          "[git]") {
  TempDir dir;
  GitLimits limits;
  limits.timeout_ms = 20'000;
  GitRunner git(limits);
  GitObjects objects(git, dir.path());
  auto info = objects.info("HEAD:a.txt");
  REQUIRE_FALSE(info);
  CHECK(info.error().message.find(dir.path()) != std::string::npos);
  auto again = objects.read_blob("HEAD:a.txt", [](std::string_view, bool) { return Status{}; });
  REQUIRE_FALSE(again);
}

namespace {

std::vector<std::string> patch_of(GitDiffs& diffs, const std::string& commit,
                                  const std::string& parent = "") {
  std::vector<std::string> out;
  auto s = diffs.diff(commit, parent, [&](std::string_view line, bool cut) {
    out.push_back(std::string(line) + (cut ? "[cut]" : ""));
    return Status{};
  });
  REQUIRE(s);
  return out;
}

std::vector<std::string> one_shot(const GitRunner& git, const std::string& root,
                                  std::vector<std::string> args) {
  std::vector<std::string> out;
  REQUIRE(git.run(root, args, '\n', [&](std::string_view line, bool cut) {
    out.push_back(std::string(line) + (cut ? "[cut]" : ""));
    return Status{};
  }));
  return out;
}

}  // namespace

TEST_CASE("git diffs: one diff-tree child answers commit after commit as a process each would",
          "[git]") {
  TempDir dir;
  GitRepoBuilder repo(dir.path() + "/repo");
  repo.write("a.txt", "one\ntwo\n");
  const std::string first = repo.commit("first", 1);
  repo.write("a.txt", "one\n2\n" + std::string(300, 'y') + "\n");
  repo.write("b.txt", "bee\n");
  const std::string second = repo.commit("second", 2);
  repo.git({"checkout", "-q", "-b", "side", first});
  repo.write("c.txt", "sea\n");
  const std::string side = repo.commit("side", 3);
  repo.git({"checkout", "-q", "main"});
  repo.git({"merge", "-q", "--no-edit", "--no-ff", "side"}, 4);
  std::string merge = repo.git({"rev-parse", "HEAD"});
  while (!merge.empty() && (merge.back() == '\n' || merge.back() == '\r'))
    merge.pop_back();

  GitLimits limits;
  limits.max_record_bytes = 100;
  GitRunner git(limits);
  const std::vector<std::string> options = {"-r",          "-p",         "--root",
                                            "--unified=0", "--no-color", "--no-commit-id"};
  GitDiffs diffs(git, repo.root(), options);
  auto args = [&](std::vector<std::string> revs) {
    std::vector<std::string> a = {"diff-tree"};
    a.insert(a.end(), options.begin(), options.end());
    a.insert(a.end(), revs.begin(), revs.end());
    return a;
  };
  const auto second_patch = patch_of(diffs, second);
  CHECK(second_patch == one_shot(git, repo.root(), args({second})));
  CHECK(std::count(second_patch.begin(), second_patch.end(),
                   "+" + std::string(99, 'y') + "[cut]") == 1);
  CHECK(patch_of(diffs, first) == one_shot(git, repo.root(), args({first})));  // a root commit
  CHECK(patch_of(diffs, merge).empty());  // a merge without -m: no patch, as git diff-tree
  CHECK(patch_of(diffs, side, first) == one_shot(git, repo.root(), args({first, side})));
  CHECK(patch_of(diffs, second, first) == one_shot(git, repo.root(), args({first, second})));
  CHECK(diffs.processes() == 1);

  auto bad = diffs.diff("HEAD", "", [](std::string_view, bool) { return Status{}; });
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message.find("not a full object name") != std::string::npos);
  // A caller's error stops the child; the next request starts another.
  auto stopped =
      diffs.diff(second, "", [](std::string_view, bool) { return make_error("enough"); });
  REQUIRE_FALSE(stopped);
  CHECK(patch_of(diffs, second) == second_patch);
  CHECK(diffs.processes() == 2);
}

TEST_CASE(
    "file touches: one log says which files changed inside a window, and when to blame anyway",
    "[git]") {
  TempDir dir;
  GitRepoBuilder repo(dir.path() + "/repo");
  repo.write("old.txt", "a\n");
  repo.write("hot.txt", "b\n");
  const std::string first = repo.commit("first", 1);
  repo.write("hot.txt", "b2\n");
  // Two paths git lists in this order, the second starting with a newline.
  repo.write("\tfirst.txt", "t\n");
  repo.write("\nsecond.txt", "n\n");
  const std::string second = repo.commit("second", 20);
  repo.write("hot.txt", "b3\n");
  const std::string third = repo.commit("third", 30);
  const int64_t day_s = 86'400, epoch = GitRepoBuilder::kEpochS;

  GitRunner git;
  auto touches = FileTouches::read(git, repo.root(), epoch + 10 * day_s);
  REQUIRE(touches);
  CHECK_FALSE(touches->reliable());  // a path that reads like a commit's first: blame everything
  CHECK(touches->changed_since("old.txt", epoch + 10 * day_s, third));

  repo.write("other.txt", "o\n");
  const std::string fourth = repo.commit("fourth", 31);
  auto since_25 = FileTouches::read(git, repo.root(), epoch + 25 * day_s);
  REQUIRE(since_25);
  REQUIRE(since_25->reliable());
  // old.txt: nothing since day 1, so nothing it loses can be rework.
  CHECK_FALSE(since_25->changed_since("old.txt", epoch + 25 * day_s, fourth));
  // hot.txt changed on day 30 by `third`: a commit after it blames it...
  CHECK(since_25->changed_since("hot.txt", epoch + 25 * day_s, fourth));
  // ...but `third` itself is no change before it.
  CHECK_FALSE(since_25->changed_since("hot.txt", epoch + 25 * day_s, third));
  CHECK_FALSE(since_25->changed_since("hot.txt", epoch + 31 * day_s, fourth));  // later window
  // Before what the log reaches back to: unknown, so changed.
  CHECK(since_25->changed_since("old.txt", epoch + 5 * day_s, fourth));
  // Past the bound of changes kept: every file counts as changed.
  auto bounded = FileTouches::read(git, repo.root(), epoch, 2);
  REQUIRE(bounded);
  CHECK_FALSE(bounded->reliable());
  CHECK(bounded->changed_since("old.txt", epoch + 25 * day_s, fourth));
  (void)first;
  (void)second;
}
