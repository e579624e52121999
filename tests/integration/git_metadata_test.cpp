// Git metadata and rework (issue 6) on real repositories built commit by
// commit with known answers, read into a real tracker store.
#include <catch2/catch.hpp>
#include <map>

#include "tests/support/git_repo.hpp"
#include "tests/support/store_contents.hpp"
#include "tests/support/test_support.hpp"
#include "tracker/flow/git_scan.hpp"
#include "tracker/queue/commit_store.hpp"
#include "tracker/queue/local_store.hpp"

using namespace codepulse;
using namespace codepulse::tracker;
using codepulse::test::GitRepoBuilder;
using codepulse::test::TempDir;

namespace {

// A tracker store that knows one repository, read by GitScan as of `now_day`.
class ScanFixture {
 public:
  explicit ScanFixture(const std::string& repo_root, const std::string& identity = "local/app")
      : store_(open()) {
    REQUIRE(CommitStore(store_.database()).note_repo(repo_root, identity));
  }

  // The tracker's identity is GitRepoBuilder's default committer unless set.
  GitScanStats scan(int64_t now_day, GitScanOptions options = {}) {
    if (options.identities.empty() && !options.repo_user_email)
      options.identities = {"dev@acme.example"};
    GitScan scan(store_.database(), std::move(options));
    auto stats = scan.run(GitRepoBuilder::day_ms(now_day));
    REQUIRE(stats);
    for (const auto& p : stats->problems)
      UNSCOPED_INFO(p);
    return *stats;
  }

  // Every queued commit by sha.
  std::map<std::string, CommitRecord> commits() {
    auto queued = CommitStore(store_.database()).unshipped(100'000);
    REQUIRE(queued);
    std::map<std::string, CommitRecord> out;
    for (auto& q : *queued)
      out[q.commit.sha] = q.commit;
    return out;
  }

  LocalStore& store() { return store_; }
  const std::string& state_dir() const { return state_.path(); }

 private:
  LocalStore open() {
    auto s = LocalStore::open(state_.path());
    REQUIRE(s);
    return std::move(s).value();
  }
  TempDir state_;
  LocalStore store_;
};

// "sha:path=lines" entries, sorted, for comparing reworked lists.
std::vector<std::string> rework_of(const CommitRecord& c) {
  std::vector<std::string> out;
  for (const auto& r : c.reworked)
    out.push_back(r.original_sha + ":" + r.path + "=" + std::to_string(r.lines));
  std::sort(out.begin(), out.end());
  return out;
}

std::string rw(const std::string& sha, const std::string& path, int64_t lines) {
  return sha + ":" + path + "=" + std::to_string(lines);
}

const CommitFile* file_named(const CommitRecord& c, const std::string& path) {
  for (const auto& f : c.files)
    if (f.path == path) return &f;
  return nullptr;
}

// Replaces line `n` (1-based) of a numbered file's text.
std::string with_line(std::string text, int n, const std::string& replacement) {
  size_t start = 0;
  for (int i = 1; i < n; ++i)
    start = text.find('\n', start) + 1;
  const size_t end = text.find('\n', start);
  return text.replace(start, end - start, replacement);
}

std::string without_lines(std::string text, int first, int count) {
  size_t start = 0;
  for (int i = 1; i < first; ++i)
    start = text.find('\n', start) + 1;
  size_t end = start;
  for (int i = 0; i < count; ++i)
    end = text.find('\n', end) + 1;
  return text.erase(start, end - start);
}

}  // namespace

TEST_CASE("rework counts lines a later commit deleted or rewrote within 21 days", "[git]") {
  TempDir dir;
  GitRepoBuilder repo(dir / "app");
  std::string f = GitRepoBuilder::numbered_lines("a", 10);
  repo.write("f.txt", f);
  const std::string a = repo.commit("add f", 0);
  // B, 5 days later: rewrites lines 1-3 and deletes lines 4-5.
  for (int i = 1; i <= 3; ++i)
    f = with_line(f, i, "b" + std::to_string(i));
  f = without_lines(f, 4, 2);
  repo.write("f.txt", f);
  const std::string b = repo.commit("rewrite", 5);
  // C, 30 days after A: deletes two more of A's lines (a6, a7, now lines 4-5).
  f = without_lines(f, 4, 2);
  repo.write("f.txt", f);
  const std::string c = repo.commit("trim", 30);

  ScanFixture fx(repo.root());
  const GitScanStats stats = fx.scan(40);
  CHECK(stats.repos == 1);
  CHECK(stats.commits_new == 3);
  CHECK(stats.problems.empty());
  auto commits = fx.commits();
  REQUIRE(commits.size() == 3);
  CHECK(rework_of(commits[a]).empty());
  CHECK(rework_of(commits[b]) == std::vector<std::string>{rw(a, "f.txt", 5)});
  CHECK(rework_of(commits[c]).empty());  // A's lines are 30 days old: outside the window

  const CommitRecord& cb = commits[b];
  REQUIRE(cb.files.size() == 1);
  CHECK(cb.files[0].path == "f.txt");
  CHECK(cb.files[0].added == 3);
  CHECK(cb.files[0].removed == 5);
  CHECK(cb.parents == std::vector<std::string>{a});
  CHECK(cb.repo == "local/app");
  CHECK(cb.branch == "main");
  CHECK(cb.author_email == "dev@acme.example");
  CHECK(cb.committer_email == "dev@acme.example");
  CHECK(cb.author_ms == GitRepoBuilder::day_ms(5));
  CHECK(cb.committer_ms == GitRepoBuilder::day_ms(5));
  CHECK(commits[a].files[0].added == 10);
  CHECK(commits[a].parents.empty());
}

TEST_CASE("a 7-day rework window counts only lines younger than 7 days", "[git]") {
  TempDir dir;
  GitRepoBuilder repo(dir / "app");
  std::string f = GitRepoBuilder::numbered_lines("a", 6);
  repo.write("f.txt", f);
  const std::string a = repo.commit("add", 0);
  f = with_line(with_line(f, 1, "b1"), 2, "b2");
  repo.write("f.txt", f);
  const std::string b = repo.commit("B rewrites a1 a2", 5);
  // Day 10: rewrites b1 (B's, 5 days old) and a3 (A's, 10 days old).
  f = with_line(with_line(f, 1, "c1"), 3, "c3");
  repo.write("f.txt", f);
  const std::string c = repo.commit("C rewrites b1 a3", 10);

  ScanFixture fx(repo.root());
  GitScanOptions options;
  options.rework_window_days = 7;
  fx.scan(20, options);
  auto commits = fx.commits();
  CHECK(rework_of(commits[b]) == std::vector<std::string>{rw(a, "f.txt", 2)});
  CHECK(rework_of(commits[c]) == std::vector<std::string>{rw(b, "f.txt", 1)});
}

TEST_CASE("rework follows two files and a rename to the commit that wrote the lines", "[git]") {
  TempDir dir;
  GitRepoBuilder repo(dir / "app");
  const std::string f = GitRepoBuilder::numbered_lines("f", 5);
  const std::string g = GitRepoBuilder::numbered_lines("g", 12);
  repo.write("f.txt", f);
  repo.write("src/g.txt", g);
  const std::string a = repo.commit("two files", 0);
  // B renames src/g.txt to lib/h.txt changing one line, and deletes two lines of f.txt.
  repo.git({"mv", "src/g.txt", "lib-h.txt"});
  repo.write("lib-h.txt", with_line(g, 7, "changed"));
  repo.write("f.txt", without_lines(f, 2, 2));
  const std::string b = repo.commit("rename and edit", 3);

  ScanFixture fx(repo.root());
  fx.scan(10);
  auto commits = fx.commits();
  const CommitRecord& cb = commits[b];
  CHECK(rework_of(cb) == std::vector<std::string>{rw(a, "f.txt", 2), rw(a, "src/g.txt", 1)});
  REQUIRE(cb.files.size() == 2);
  const CommitFile* h = file_named(cb, "lib-h.txt");
  REQUIRE(h);  // a rename: named by the new path, counted as an edit
  CHECK(h->added == 1);
  CHECK(h->removed == 1);
  const CommitFile* ff = file_named(cb, "f.txt");
  REQUIRE(ff);
  CHECK(ff->removed == 2);
}

TEST_CASE("merges carry no files or rework, branch commits rework their own lines", "[git]") {
  TempDir dir;
  GitRepoBuilder repo(dir / "app");
  std::string f = GitRepoBuilder::numbered_lines("a", 6);
  repo.write("f.txt", f);
  const std::string a = repo.commit("base", 0);
  repo.git({"checkout", "-q", "-b", "feature/PROJ-7-login"});
  f = with_line(f, 1, "b1");
  repo.write("f.txt", f);
  const std::string b = repo.commit("feature line", 2);
  f = with_line(f, 1, "d1");  // reworks B's own line on the same branch
  repo.write("f.txt", f);
  const std::string d = repo.commit("rework own line", 3);
  repo.git({"checkout", "-q", "main"});
  repo.write("g.txt", "main side\n");
  const std::string c = repo.commit("main side", 3);
  repo.git({"merge", "-q", "--no-ff", "-m", "merge", "feature/PROJ-7-login"}, 4);
  const std::string m = repo.git({"rev-parse", "HEAD"}).substr(0, 40);

  ScanFixture fx(repo.root());
  fx.scan(10);
  auto commits = fx.commits();
  REQUIRE(commits.size() == 5);
  CHECK(rework_of(commits[b]) == std::vector<std::string>{rw(a, "f.txt", 1)});
  CHECK(rework_of(commits[d]) == std::vector<std::string>{rw(b, "f.txt", 1)});
  CHECK(commits[b].branch == "feature/PROJ-7-login");
  CHECK(commits[c].branch == "main");
  const CommitRecord& cm = commits[m];
  CHECK(cm.parents == std::vector<std::string>{c, d});
  CHECK(cm.files.empty());
  CHECK(cm.reworked.empty());
}

TEST_CASE("a binary file has no line counts and no rework", "[git]") {
  TempDir dir;
  GitRepoBuilder repo(dir / "app");
  repo.write("logo.bin", std::string("\x89PNG\0\x01\x02", 7));
  repo.write("f.txt", "one\ntwo\n");
  repo.commit("add", 0);
  repo.write("logo.bin", std::string("\x89PNG\0\x03\x04", 7));
  const std::string b = repo.commit("new logo", 1);

  ScanFixture fx(repo.root());
  fx.scan(5);
  const CommitRecord cb = fx.commits()[b];
  REQUIRE(cb.files.size() == 1);
  CHECK(cb.files[0].path == "logo.bin");
  CHECK(cb.files[0].binary);
  CHECK(cb.files[0].added == 0);
  CHECK(cb.files[0].removed == 0);
  CHECK(cb.reworked.empty());
}

TEST_CASE("the message gives only task keys and whether an AI assistant co-authored", "[git]") {
  TempDir dir;
  GitRepoBuilder repo(dir / "app");
  repo.write("a.txt", "1\n");
  const std::string ai = repo.commit(
      "PROJ-123 fix login\n\nAlso touches ABC-9 and PROJ-123.\n\n"
      "Co-Authored-By: Claude Opus 4.6 <noreply@anthropic.com>",
      0);
  repo.write("a.txt", "2\n");
  const std::string human =
      repo.commit("tidy up\n\nCo-authored-by: Pat Example <pat@acme.example>", 1);
  repo.write("a.txt", "3\n");
  const std::string copilot =
      repo.commit("x\n\nco-authored-by: Copilot <175728472+Copilot@users.noreply.github.com>", 2);

  ScanFixture fx(repo.root());
  fx.scan(5);
  auto commits = fx.commits();
  CHECK(commits[ai].task_keys == "PROJ-123,ABC-9");
  CHECK(commits[ai].ai_coauthor);
  CHECK(commits[human].task_keys.empty());
  CHECK_FALSE(commits[human].ai_coauthor);
  CHECK(commits[copilot].ai_coauthor);
}

TEST_CASE("a later pass reads only new commits, the first reads git_history_days", "[git]") {
  TempDir dir;
  GitRepoBuilder repo(dir / "app");
  repo.write("a.txt", "old\n");
  repo.commit("too old", 0);
  repo.write("a.txt", "new\n");
  const std::string recent = repo.commit("recent", 95);

  ScanFixture fx(repo.root());
  GitScanStats first = fx.scan(100);  // 90 days back: day 10 onwards
  CHECK(first.commits_new == 1);
  CHECK(fx.commits().count(recent) == 1);

  CHECK(fx.scan(100).commits_new == 0);  // nothing new: the tips did not move

  repo.git({"checkout", "-q", "-b", "topic"});
  repo.write("b.txt", "x\n");
  const std::string next = repo.commit("next", 98);
  GitScanStats third = fx.scan(100);
  CHECK(third.commits_new == 1);
  CHECK(third.commits_known == 0);
  auto commits = fx.commits();
  CHECK(commits.size() == 2);
  CHECK(commits[next].branch == "topic");
}

TEST_CASE("a commit two clones hold is queued once", "[git]") {
  TempDir dir;
  GitRepoBuilder repo(dir / "app");
  repo.write("a.txt", "1\n");
  repo.commit("one", 0);
  GitRepoBuilder clone(dir / "clone");
  clone.git({"pull", "-q", repo.root(), "main"});
  clone.write("b.txt", "2\n");
  clone.commit("two", 1);

  ScanFixture fx(repo.root(), "github.com/acme/app");
  REQUIRE(CommitStore(fx.store().database()).note_repo(clone.root(), "github.com/acme/app"));
  GitScanStats stats = fx.scan(5);
  CHECK(stats.repos == 2);
  CHECK(stats.commits_new == 2);
  CHECK(fx.commits().size() == 2);
}

TEST_CASE("git_include and git_exclude pick repositories by identity or root", "[git]") {
  TempDir dir;
  GitRepoBuilder repo(dir / "app");
  repo.write("a.txt", "1\n");
  repo.commit("one", 0);

  {
    ScanFixture fx(repo.root(), "github.com/acme/app");
    GitScanOptions o;
    o.exclude = {"github.com/acme/*"};
    GitScanStats s = fx.scan(5, o);
    CHECK(s.repos_excluded == 1);
    CHECK(fx.commits().empty());
  }
  {
    ScanFixture fx(repo.root(), "github.com/acme/app");
    GitScanOptions o;
    o.include = {"github.com/other/*"};
    CHECK(fx.scan(5, o).repos_excluded == 1);
    o.include = {dir.path() + "/*"};
    GitScanStats s = fx.scan(5, o);
    CHECK(s.repos_excluded == 0);
    CHECK(s.commits_new == 1);
  }
}

TEST_CASE("a repository that disappeared is a problem, not an error", "[git]") {
  TempDir dir;
  ScanFixture fx(dir / "gone", "local/gone");
  GitScanStats s = fx.scan(5);
  CHECK(s.repos_failed == 1);
  REQUIRE(s.problems.size() == 1);
  CHECK(s.problems[0].find("is gone") != std::string::npos);
  CHECK(fx.commits().empty());
}

TEST_CASE("keyed hashing hides commit paths and branches", "[git]") {
  TempDir dir;
  GitRepoBuilder repo(dir / "app");
  repo.write("secret/plan.txt", "1\n2\n");
  repo.commit("one", 0);
  repo.write("secret/plan.txt", "1\n");
  const std::string b = repo.commit("two", 1);

  ScanFixture fx(repo.root());
  GitScanOptions o;
  o.hash_key = std::string("0123456789abcdef0123");
  fx.scan(5, o);
  const CommitRecord cb = fx.commits()[b];
  REQUIRE(cb.files.size() == 1);
  CHECK(cb.files[0].path.starts_with("h:"));
  CHECK(cb.branch.starts_with("h:"));
  REQUIRE(cb.reworked.size() == 1);
  CHECK(cb.reworked[0].path == cb.files[0].path);
  CHECK(test::folder_contents(fx.state_dir()).find("secret/plan") == std::string::npos);
  // The control: without the key, the same read finds the path.
  ScanFixture plain(repo.root());
  plain.scan(5);
  CHECK(test::folder_contents(plain.state_dir()).find("secret/plan") != std::string::npos);
}

TEST_CASE("history shared with main is main's, whichever branch git reaches it from", "[git]") {
  TempDir dir;
  GitRepoBuilder repo(dir / "app");
  repo.write("f.txt", GitRepoBuilder::numbered_lines("a", 4));
  const std::string base = repo.commit("base", 0);
  repo.git({"checkout", "-q", "-b", "feature/PROJ-9"});
  repo.write("h.txt", "feature\n");
  // Newer than main's tip: `git log --source` walks the newest first and so
  // reaches the fork point, base, from the feature branch.
  const std::string feature = repo.commit("feature work", 5);
  repo.git({"checkout", "-q", "main"});
  repo.write("g.txt", "main\n");
  const std::string on_main = repo.commit("main work", 1);

  ScanFixture fx(repo.root());
  fx.scan(10);
  auto commits = fx.commits();
  REQUIRE(commits.size() == 3);
  CHECK(commits[base].branch == "main");
  CHECK(commits[on_main].branch == "main");
  CHECK(commits[feature].branch == "feature/PROJ-9");
}

TEST_CASE("a commit naming a task key blames lines past the rework window, back to fix_blame_days",
          "[git][bugs]") {
  TempDir dir;
  GitRepoBuilder repo(dir / "app");
  std::string f = GitRepoBuilder::numbered_lines("a", 10);
  repo.write("f.txt", f);
  const std::string a = repo.commit("add f", 0);
  f = with_line(f, 1, "b1");
  repo.write("f.txt", f);
  const std::string b = repo.commit("PROJ-1: rewrite a1", 5);
  // C, day 40, names BUG-7: rewrites a2 (40 days old) and b1 (35 days old),
  // both past the 21-day rework window.
  f = with_line(with_line(f, 1, "c1"), 2, "c2");
  repo.write("f.txt", f);
  const std::string c = repo.commit("BUG-7: fix the totals", 40);
  // D, day 45, names nothing: rewrites a3, no fix blame.
  f = with_line(f, 3, "d3");
  repo.write("f.txt", f);
  const std::string d = repo.commit("cleanup", 45);

  auto fix_blame_of = [](const CommitRecord& commit) {
    std::vector<std::string> out;
    for (const auto& r : commit.fix_blame)
      out.push_back(r.original_sha + ":" + r.path + "=" + std::to_string(r.lines));
    std::sort(out.begin(), out.end());
    return out;
  };
  ScanFixture fx(repo.root());
  fx.scan(50);
  auto commits = fx.commits();
  REQUIRE(commits.size() == 4);
  CHECK(rework_of(commits[b]) == std::vector<std::string>{rw(a, "f.txt", 1)});
  CHECK(commits[b].fix_blame.empty());  // a1 was 5 days old: rework, not fix blame
  CHECK(rework_of(commits[c]).empty());
  std::vector<std::string> blamed = {rw(a, "f.txt", 1), rw(b, "f.txt", 1)};
  std::sort(blamed.begin(), blamed.end());
  CHECK(fix_blame_of(commits[c]) == blamed);
  CHECK(commits[d].fix_blame.empty());
  CHECK(rework_of(commits[d]).empty());
  for (const auto& r : commits[c].fix_blame)
    CHECK(r.ai_lines == -1);

  // E, day 130, names BUG-8: rewrites a4, 130 days old, past fix_blame_days (90).
  f = with_line(f, 4, "e4");
  repo.write("f.txt", f);
  const std::string e = repo.commit("BUG-8: and a4", 130);
  fx.scan(135);
  auto later = fx.commits();
  REQUIRE(later.count(e) == 1);
  CHECK(later[e].fix_blame.empty());

  // fix_blame_days = 0: no fix blame; with a hash key the paths are hashed.
  ScanFixture off(repo.root());
  GitScanOptions none;
  none.fix_blame_days = 0;
  off.scan(50, none);
  CHECK(off.commits()[c].fix_blame.empty());
  ScanFixture hashed(repo.root());
  GitScanOptions keyed;
  keyed.hash_key = std::string("0123456789abcdef0123");
  hashed.scan(50, keyed);
  const CommitRecord hc = hashed.commits()[c];
  REQUIRE(hc.fix_blame.size() == 2);
  for (const auto& r : hc.fix_blame)
    CHECK(r.path.starts_with("h:"));
  CHECK(test::folder_contents(hashed.state_dir()).find("f.txt") == std::string::npos);
}
