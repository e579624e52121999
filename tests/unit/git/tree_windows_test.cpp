// Duplication from the windows of each commit's tree (tracker/git/
// tree_windows.hpp) against `git grep` commit by commit
// (count_duplicate_blocks): on a generated history with blocks copied from
// other files and from files deleted since, new blocks, the assistants'
// blocks, a binary file holding a copy, a branch merged back, a renamed file
// and history older than the log, both ways count the same blocks and the
// same repeated blocks for every commit.
#include "tracker/git/tree_windows.hpp"

#include <catch2/catch.hpp>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "tests/support/git_repo.hpp"
#include "tests/support/test_support.hpp"
#include "tracker/git/added_lines.hpp"
#include "tracker/git/commit_log.hpp"
#include "tracker/git/duplicate_blocks.hpp"

using namespace codepulse;
using namespace codepulse::tracker;
using codepulse::test::GitPerson;
using codepulse::test::GitRepoBuilder;
using codepulse::test::TempDir;

namespace {

std::string lines_text(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines)
    out += l + "\n";
  return out;
}

std::vector<std::string> block(const std::string& tag, int n, bool ai) {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i)
    out.push_back("    value_" + tag + "_" + std::to_string(i) + " = compute(" + std::to_string(i) +
                  ")" + (ai ? "  # *" : ""));
  return out;
}

}  // namespace

TEST_CASE("tree windows count the blocks and repeats git grep counts, commit by commit",
          "[git][duplication]") {
  TempDir dir;
  GitRepoBuilder repo(dir / "repo");
  std::mt19937 rng(4242);
  const auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  std::map<std::string, std::vector<std::string>> files;
  const auto save = [&](const std::string& name) { repo.write(name, lines_text(files[name])); };
  const auto add_to = [&](const std::string& name, const std::vector<std::string>& lines) {
    auto& f = files[name];
    f.insert(f.begin() + pick(static_cast<int>(f.size()) + 1), lines.begin(), lines.end());
    save(name);
  };
  for (const std::string name : {"src/a.py", "src/b.py", "lib/c.py"}) {
    files[name] = block(name.substr(4, 1) + "base", 12, false);
    save(name);
  }
  repo.commit("initial", 0);
  int day = 1;
  for (int c = 0; c < 40; ++c, ++day) {
    const std::string tag = "c" + std::to_string(c);
    const std::vector<std::string> names = {"src/a.py", "src/b.py", "lib/c.py"};
    const std::string target = names[pick(3)];
    switch (c % 8) {
      case 0:  // a new block, the assistants' or not
        add_to(target, block(tag, 6 + pick(4), pick(2) == 0));
        break;
      case 1: {  // lines copied from another file
        const std::string from = names[(pick(2) + 1 + (target == names[0] ? 0 : 1)) % 3];
        const auto& src = files[from];
        const int at = pick(static_cast<int>(src.size()) - 6);
        add_to(target, std::vector<std::string>(src.begin() + at, src.begin() + at + 7));
        break;
      }
      case 2:  // a file written, then deleted by case 3
        files["tmp/gone.py"] = block(tag + "gone", 8, false);
        save("tmp/gone.py");
        break;
      case 3:  // the deleted file's lines come back elsewhere
        repo.git({"rm", "-q", "tmp/gone.py"}, day);
        add_to(target, files["tmp/gone.py"]);
        files.erase("tmp/gone.py");
        break;
      case 4:  // a block whose only other copy is inside a binary file: not a repeat
        repo.write("bin/blob" + tag,
                   std::string("\0", 1) + lines_text(block(tag + "bin", 7, true)));
        add_to(target, block(tag + "bin", 7, true));
        break;
      case 5:  // a block the same commit writes twice, in two files
        add_to(names[0], block(tag + "twice", 6, false));
        add_to(names[1], block(tag + "twice", 6, false));
        break;
      case 6: {  // a branch with a block, main with another, merged
        repo.git({"checkout", "-q", "-b", "topic" + tag}, day);
        add_to("src/a.py", block(tag + "topic", 7, true));
        repo.commit("topic " + tag, day, 10);
        repo.git({"checkout", "-q", "main"}, day);
        files["src/a.py"] = repo.lines_at("HEAD", "src/a.py");
        add_to("lib/c.py", block(tag + "main", 6, false));
        repo.commit("main " + tag, day, 20);
        repo.git({"merge", "-q", "--no-ff", "-m", "merge " + tag, "topic" + tag}, day, 30);
        files["src/a.py"] = repo.lines_at("HEAD", "src/a.py");
        // The topic's block copied again after the merge: a repeat.
        add_to("lib/c.py", block(tag + "topic", 7, true));
        break;
      }
      default:  // a copy of lines from the same file
        add_to(target, std::vector<std::string>(files[target].begin(), files[target].begin() + 6));
    }
    repo.commit("change " + tag, day, 40,
                c % 5 == 0 ? GitPerson{"Other", "o@acme.example"} : GitPerson{});
  }

  GitRunner git;
  LogRange range;
  range.since_s = GitRepoBuilder::kEpochS + 10 * 86'400;  // older commits are the first tree
  auto log = read_commit_log(git, repo.root(), range);
  REQUIRE(log);
  LineFingerprinter fp(std::string(kLineKeyBytes, 'k'));
  GitDiffs added(git, repo.root(), added_line_diff_options());
  GitObjects objects(git, repo.root());
  const DuplicationLimits limits;
  std::vector<ReplayCommit> replay_log;
  std::map<size_t, std::map<std::string, AddedFileLines>> scored;
  std::unordered_set<uint64_t> wanted;
  for (size_t i = 0; i < log->size(); ++i) {
    const CommitRecord& c = (*log)[i];
    replay_log.push_back(ReplayCommit{c.sha, c.parents, c.committer_ms, false, true});
    if (!scores_commit(c, AddedLineLimits{})) continue;
    AddedLineDetail detail;
    auto prints = read_added_lines(added, c, fp, AddedLineLimits{}, &detail);
    REQUIRE(prints);
    auto& files_of = scored[i];
    for (auto& [path, p] : *prints) {
      AddedFileLines& f = files_of[path];
      f.prints = p;
      f.texts = detail.texts[path];
      f.hunk_starts = detail.hunk_starts[path];
      for (const auto& t : f.texts)
        f.ai.push_back(t.ends_with("# *"));
    }
    add_block_windows(files_of, limits, wanted);
  }
  REQUIRE(scored.size() > 30);
  TreeWindows trees(git, objects, repo.root(), fp, wanted);
  std::map<size_t, std::map<std::string, BlockCounts>> by_tree;
  REQUIRE(trees.walk(replay_log, [&](size_t at, const WindowCounts& counts) {
    if (auto it = scored.find(at); it != scored.end())
      by_tree[at] = count_blocks_in_tree(it->second, limits, counts);
  }));
  int64_t blocks = 0, repeated = 0, ai_repeated = 0;
  for (const auto& [at, files_of] : scored) {
    INFO("commit " << (*log)[at].sha);
    auto by_grep =
        count_duplicate_blocks(git, objects, repo.root(), (*log)[at].sha, files_of, fp, limits);
    REQUIRE(by_grep);
    CHECK(by_tree[at] == *by_grep);
    for (const auto& [path, n] : *by_grep) {
      blocks += n.ai_blocks + n.other_blocks;
      repeated += n.ai_repeated + n.other_repeated;
      ai_repeated += n.ai_repeated;
    }
  }
  // The history holds both kinds, and repeats of both.
  CHECK(blocks > 30);
  CHECK(repeated > 10);
  CHECK(repeated < blocks);
  CHECK(ai_repeated > 0);
  // The first tree (day 10) read whole once, then each new blob once.
  CHECK(trees.blobs_read() > 0);
}
