// The attribution rules on their own (docs/ATTRIBUTION.md): exact integer
// shares, a record's tasks and epics, a turn's files, splits over tasks,
// files and commits, and the pull request of a commit.
#include "common/report/attribution.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <iterator>

#include "common/report/usage_cube.hpp"

using namespace codepulse;
using namespace codepulse::report;

namespace {

std::vector<int64_t> shares_of(int64_t total, const std::vector<int64_t>& weights) {
  std::vector<int64_t> out(weights.size());
  std::vector<std::pair<Wide, size_t>> scratch;
  apportion(total, weights.data(), weights.size(), out.data(), scratch);
  return out;
}

std::vector<int64_t> even_shares(int64_t total, size_t n) {
  std::vector<int64_t> out(n);
  std::vector<std::pair<Wide, size_t>> scratch;
  apportion(total, nullptr, n, out.data(), scratch);
  return out;
}

TurnFile changed(uint32_t file, int64_t lines, int32_t unknown = 0) {
  TurnFile f;
  f.file = file;
  f.changes = 1;
  f.unknown = unknown;
  f.lines = lines;
  return f;
}

TurnFile read(uint32_t file) {
  TurnFile f;
  f.file = file;
  f.reads = 1;
  return f;
}

CommitRecord commit(const std::string& sha, const std::string& branch, int64_t committer_ms) {
  CommitRecord c;
  c.repo = "github.com/acme/api";
  c.sha = sha;
  c.branch = branch;
  c.committer_ms = committer_ms;
  return c;
}

PullRequestFact pull_request(int64_t number, const std::string& branch) {
  PullRequestFact pr;
  pr.repo = "github.com/acme/api";
  pr.number = number;
  pr.head_branch = branch;
  return pr;
}

const std::string kShaA = "aaaaaaaaaaaa1111111111111111111111111111";
const std::string kShaB = "bbbbbbbbbbbb2222222222222222222222222222";
const std::string kShaC = "cccccccccccc3333333333333333333333333333";

}  // namespace

TEST_CASE("apportion splits by weight into shares that add up exactly", "[report][attribution]") {
  // docs/ATTRIBUTION.md: 1,001 tokens over weights 30 and 10.
  CHECK(shares_of(1001, {30, 10}) == std::vector<int64_t>{751, 250});
  CHECK(shares_of(1200, {30, 10}) == std::vector<int64_t>{900, 300});
  // Units left over go to the largest remainders.
  CHECK(shares_of(10, {1, 2, 3}) == std::vector<int64_t>{2, 3, 5});
  // Equal remainders: the earlier entries first.
  CHECK(shares_of(5, {1, 1, 1}) == std::vector<int64_t>{2, 2, 1});
  CHECK(shares_of(1, {4, 4}) == std::vector<int64_t>{1, 0});
  // A zero weight gets nothing while others have weight.
  CHECK(shares_of(7, {0, 5}) == std::vector<int64_t>{0, 7});
  // A cost in nano-dollars times a large line count needs more than 64 bits.
  const int64_t big = 4'000'000'000'000'000'000;
  CHECK(shares_of(big, {kMaxWeight, kMaxWeight - 1, 3}) ==
        std::vector<int64_t>{1'999'999'998'000'000'002, 1'999'999'996'000'000'004, 5'999'999'994});
}

TEST_CASE("apportion without weights splits evenly, the first entries taking the rest",
          "[report][attribution]") {
  CHECK(even_shares(10, 3) == std::vector<int64_t>{4, 3, 3});
  CHECK(even_shares(2, 4) == std::vector<int64_t>{1, 1, 0, 0});
  CHECK(even_shares(9, 1) == std::vector<int64_t>{9});
  // All weights zero: evenly, as without weights.
  CHECK(shares_of(10, {0, 0, 0}) == std::vector<int64_t>{4, 3, 3});
  // A negative total is still exact.
  CHECK(even_shares(-10, 3) == std::vector<int64_t>{-3, -3, -4});
  CHECK(shares_of(-7, {1, 1}) == std::vector<int64_t>{-3, -4});
}

TEST_CASE("a record's tasks are its keys, each once, else (no task)", "[report][attribution]") {
  CHECK(attributed_tasks("PROJ-1") == std::vector<std::string>{"PROJ-1"});
  CHECK(attributed_tasks("PROJ-2,PROJ-1,PROJ-2") == std::vector<std::string>{"PROJ-2", "PROJ-1"});
  CHECK(attributed_tasks(",,PROJ-3,") == std::vector<std::string>{"PROJ-3"});
  CHECK(attributed_tasks("") == std::vector<std::string>{kNoTask});
  CHECK(attributed_tasks(",") == std::vector<std::string>{"(no task)"});
}

TEST_CASE("a task's epic comes from the epic map, else (no epic)", "[report][attribution]") {
  const EpicMap epics{{"PROJ-1", "PROJ-100"}};
  CHECK(epic_of(epics, "PROJ-1") == "PROJ-100");
  CHECK(epic_of(epics, "PROJ-2") == "(no epic)");
  CHECK(epic_of({}, "PROJ-1") == kNoEpic);
}

TEST_CASE("a turn's files: changed ones by lines, else read ones, else (no file)",
          "[report][attribution]") {
  Dictionary paths;
  const uint32_t none = paths.intern(kNoFile);
  const uint32_t b = paths.intern("src/b.cpp");
  const uint32_t a = paths.intern("src/a.cpp");
  const uint32_t readme = paths.intern("README.md");
  std::vector<uint32_t> ids;
  std::vector<int64_t> weights;

  SECTION("changed files, in path order, weighted by lines; reads do not count") {
    CHECK(attributed_files({changed(b, 10), read(readme), changed(a, 30)}, none, paths, ids,
                           weights) == 2);
    CHECK(ids == std::vector<uint32_t>{a, b});
    CHECK(weights == std::vector<int64_t>{30, 10});
  }
  SECTION("a change without line counts makes every changed file weigh the same") {
    CHECK(attributed_files({changed(a, 30), changed(b, 10, 1)}, none, paths, ids, weights) == 2);
    CHECK(ids == std::vector<uint32_t>{a, b});
    CHECK(weights == std::vector<int64_t>{0, 0});
  }
  SECTION("line counts are clamped to 0 and kMaxWeight") {
    CHECK(attributed_files({changed(a, -5), changed(b, 5 * kMaxWeight)}, none, paths, ids,
                           weights) == 2);
    CHECK(weights == std::vector<int64_t>{0, kMaxWeight});
  }
  SECTION("nothing changed: the files read, evenly") {
    CHECK(attributed_files({read(b), read(readme)}, none, paths, ids, weights) == 2);
    CHECK(ids == std::vector<uint32_t>{readme, b});
    CHECK(weights == std::vector<int64_t>{0, 0});
  }
  SECTION("no file touched: (no file)") {
    CHECK(attributed_files({}, none, paths, ids, weights) == 1);
    CHECK(ids == std::vector<uint32_t>{none});
    CHECK(weights == std::vector<int64_t>{0});
  }
  SECTION("files are appended after what is there") {
    ids = {7};
    weights = {70};
    CHECK(attributed_files({changed(b, 1), changed(a, 3)}, none, paths, ids, weights) == 2);
    CHECK(ids == std::vector<uint32_t>{7, a, b});
    CHECK(weights == std::vector<int64_t>{70, 3, 1});
  }
}

TEST_CASE("a group is split over tasks evenly, then each task's share over files by weight",
          "[report][attribution]") {
  SplitScratch scratch;
  std::vector<Share> shares;
  // ..., cost, list cost, effective cost
  const int64_t totals[kShareSums] = {1001, 10, 3, 0, 4000, 5003, 4100};

  SECTION("neither tasks nor files: one share of everything") {
    split_shares(totals, nullptr, 1, nullptr, nullptr, 1, scratch, shares);
    REQUIRE(shares.size() == 1);
    CHECK(shares[0].task == 0);
    CHECK(shares[0].file == 0);
    CHECK(std::vector<int64_t>(shares[0].m, shares[0].m + kShareSums) ==
          std::vector<int64_t>{1001, 10, 3, 0, 4000, 5003, 4100});
  }
  SECTION("two tasks and two files weighing 30 and 10") {
    const uint32_t tasks[] = {7, 8};
    const uint32_t files[] = {1, 2};
    const int64_t weights[] = {30, 10};
    split_shares(totals, tasks, 2, files, weights, 2, scratch, shares);
    REQUIRE(shares.size() == 4);
    // Share t * 2 + f; input 1,001 = 501 + 500, then 3:1 within each task.
    CHECK(shares[0].task == 7);
    CHECK(shares[0].file == 1);
    CHECK(shares[1].task == 7);
    CHECK(shares[1].file == 2);
    CHECK(shares[2].task == 8);
    CHECK(shares[3].file == 2);
    CHECK(shares[0].m[0] == 376);
    CHECK(shares[1].m[0] == 125);
    CHECK(shares[2].m[0] == 375);
    CHECK(shares[3].m[0] == 125);
    for (int m = 0; m < kShareSums; ++m) {
      int64_t total = 0;
      for (const Share& s : shares)
        total += s.m[m];
      CHECK(total == totals[m]);
    }
    // A task's total does not depend on the split over files.
    std::vector<Share> by_task;
    split_shares(totals, tasks, 2, nullptr, nullptr, 1, scratch, by_task);
    REQUIRE(by_task.size() == 2);
    for (size_t t = 0; t < 2; ++t)
      for (int m = 0; m < kShareSums; ++m)
        CHECK(by_task[t].m[m] == shares[t * 2].m[m] + shares[t * 2 + 1].m[m]);
  }
  SECTION("files without weights share evenly") {
    const uint32_t files[] = {4, 5, 6};
    split_shares(totals, nullptr, 1, files, nullptr, 3, scratch, shares);
    REQUIRE(shares.size() == 3);
    CHECK(shares[0].m[0] == 334);
    CHECK(shares[1].m[0] == 334);
    CHECK(shares[2].m[0] == 333);
    CHECK(shares[2].file == 6);
  }
}

TEST_CASE("each share is split evenly over its session's commits", "[report][attribution]") {
  SplitScratch scratch;
  std::vector<Share> shares(2);
  shares[0].task = 1;
  shares[0].file = 2;
  const int64_t first[kShareSums] = {10, 3, 0, 1, 7, 8, 9};
  std::copy(std::begin(first), std::end(first), shares[0].m);
  shares[1].task = 3;
  shares[1].file = 4;
  shares[1].m[0] = 5;

  SECTION("one commit: every share goes to it whole") {
    split_over_commits({9}, scratch, shares);
    REQUIRE(shares.size() == 2);
    CHECK(shares[0].commit == 9);
    CHECK(shares[1].commit == 9);
    CHECK(shares[0].m[0] == 10);
  }
  SECTION("three commits: share i * 3 + c") {
    split_over_commits({4, 5, 6}, scratch, shares);
    REQUIRE(shares.size() == 6);
    for (size_t c = 0; c < 3; ++c) {
      CHECK(shares[c].commit == 4 + c);
      CHECK(shares[c].task == 1);
      CHECK(shares[c].file == 2);
      CHECK(shares[3 + c].task == 3);
    }
    CHECK(std::vector<int64_t>{shares[0].m[0], shares[1].m[0], shares[2].m[0]} ==
          std::vector<int64_t>{4, 3, 3});
    CHECK(std::vector<int64_t>{shares[0].m[4], shares[1].m[4], shares[2].m[4]} ==
          std::vector<int64_t>{3, 2, 2});
    CHECK(std::vector<int64_t>{shares[0].m[3], shares[1].m[3], shares[2].m[3]} ==
          std::vector<int64_t>{1, 0, 0});
    CHECK(std::vector<int64_t>{shares[0].m[5], shares[1].m[5], shares[2].m[5]} ==
          std::vector<int64_t>{3, 3, 2});
    CHECK(std::vector<int64_t>{shares[3].m[0], shares[4].m[0], shares[5].m[0]} ==
          std::vector<int64_t>{2, 2, 1});
  }
}

TEST_CASE("commit and pull request keys", "[report][attribution]") {
  CHECK(commit_key(kShaA) == "aaaaaaaaaaaa");
  CHECK(commit_key("abc") == "abc");
  CHECK(pr_key(pull_request(42, "feature/x")) == "github.com/acme/api#42");
}

TEST_CASE("a commit's pull request: named commits first, else the head branch",
          "[report][attribution]") {
  SECTION("commits a webhook named, by any of their SHAs") {
    PullRequestFact pushed = pull_request(1, "feature/a");
    pushed.commit_shas = {kShaA};
    PullRequestFact merged = pull_request(2, "feature/b");
    merged.merge_sha = kShaB;
    PullRequestFact head = pull_request(3, "feature/c");
    head.head_sha = kShaC;
    const auto pr_of = commit_prs(
        {commit(kShaA, "main", 100), commit(kShaB, "main", 100), commit(kShaC, "main", 100)},
        {pushed, merged, head});
    CHECK(pr_of.at(kShaA) == 0);
    CHECK(pr_of.at(kShaB) == 1);
    CHECK(pr_of.at(kShaC) == 2);
  }
  SECTION("by head branch, until the pull request was merged or closed") {
    PullRequestFact first = pull_request(1, "feature/x");
    first.merged_ms = 1'000;
    PullRequestFact reused = pull_request(2, "feature/x");
    reused.closed_ms = 5'000;
    PullRequestFact open = pull_request(3, "feature/y");
    const auto pr_of =
        commit_prs({commit(kShaA, "feature/x", 900), commit(kShaB, "feature/x", 2'000),
                    commit(kShaC, "feature/x", 6'000)},
                   {first, reused, open});
    CHECK(pr_of.at(kShaA) == 0);  // the earliest that ends after it
    CHECK(pr_of.at(kShaB) == 1);
    CHECK(pr_of.count(kShaC) == 0);  // both had ended

    const auto still_open = commit_prs({commit(kShaC, "feature/y", 6'000)}, {first, open});
    CHECK(still_open.at(kShaC) == 1);
  }
  SECTION("a pull request whose commits a push named takes none by branch") {
    PullRequestFact pushed = pull_request(1, "feature/x");
    pushed.commit_shas = {kShaA};
    const auto pr_of =
        commit_prs({commit(kShaA, "feature/x", 100), commit(kShaB, "feature/x", 100)}, {pushed});
    CHECK(pr_of.at(kShaA) == 0);
    CHECK(pr_of.count(kShaB) == 0);
  }
  SECTION("another repository's branch of the same name does not count") {
    CommitRecord other = commit(kShaA, "feature/x", 100);
    other.repo = "github.com/acme/web";
    CHECK(commit_prs({other}, {pull_request(1, "feature/x")}).empty());
  }
}

TEST_CASE("spend goes to the commits a session is linked to and their pull requests",
          "[report][attribution]") {
  std::vector<SessionActivity> sessions(2);
  sessions[0].session = "s1";
  sessions[1].session = "s2";
  const std::vector<CommitRecord> commits{commit(kShaA, "main", 100), commit(kShaB, "main", 200)};
  const std::vector<SessionCommitLink> links{
      {0, 0, LinkLevel::kExact}, {0, 1, LinkLevel::kStrong}, {1, 1, LinkLevel::kWeak}};
  const std::vector<PullRequestFact> prs{pull_request(42, "feature/x")};
  const std::unordered_map<std::string, size_t> pr_of{{kShaA, 0}};
  const CommitAttribution a = attribute_commits(sessions, commits, links, prs, pr_of);
  CHECK(a.session_commits.size() == 2);
  CHECK(a.session_commits.at("s1") == std::vector<std::string>{"aaaaaaaaaaaa", "bbbbbbbbbbbb"});
  CHECK(a.session_commits.at("s2") == std::vector<std::string>{"bbbbbbbbbbbb"});
  CHECK(a.commit_pr.size() == 1);
  CHECK(a.commit_pr.at("aaaaaaaaaaaa") == "github.com/acme/api#42");
}
