// Line provenance (issue 27, docs/PROVENANCE.md) on real parts: Claude
// Code-shaped log lines with Write, Edit and MultiEdit calls read by the real
// Scanner into a real tracker store, real git repositories whose commits hold
// some of those lines verbatim, some edited by the developer and some
// written by hand, matched by the real GitScan; then a squash merge and a
// rebase, which keep the counts; the privacy canaries; and the counts through
// a real collector.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <ctime>
#include <map>

#include "common/time.hpp"
#include "proto/wire_batch.hpp"
#include "tests/support/collector_fixture.hpp"
#include "tests/support/git_repo.hpp"
#include "tests/support/log_lines.hpp"
#include "tests/support/store_targets.hpp"
#include "tests/support/test_support.hpp"
#include "tracker/flow/git_scan.hpp"
#include "tracker/flow/scanner.hpp"
#include "tracker/queue/commit_store.hpp"
#include "tracker/queue/line_key.hpp"
#include "tracker/queue/line_store.hpp"
#include "tracker/queue/local_store.hpp"

using namespace codepulse;
using namespace codepulse::tracker;
using namespace codepulse::test;

namespace {

int64_t today() {
  return (::time(nullptr) - GitRepoBuilder::kEpochS) / 86'400;
}

std::string at_day(int64_t day, int64_t second = 0) {
  return format_iso8601_utc_ms(GitRepoBuilder::day_ms(day) + second * 1000);
}

// One assistant line making one tool call, as Claude Code logs it.
std::string tool_call_line(const std::string& id, const std::string& name,
                           const std::string& input_json, const std::string& cwd,
                           const std::string& timestamp, const std::string& request) {
  AssistantSpec a;
  a.message_id = "msg_" + id;
  a.request_id = request;
  a.uuid = "aaaaaaaa-0000-4000-8000-" + std::string(12 - std::min<size_t>(12, id.size()), '0') +
           id.substr(0, 12);
  a.timestamp = timestamp;
  a.cwd = cwd;
  a.tool_json = tool_use_block("toolu_" + id, name, input_json);
  return assistant_line(a);
}

std::string write_input(const std::string& path, const std::string& content) {
  return R"({"file_path":")" + json_escape(path) + R"(","content":")" + json_escape(content) +
         "\"}";
}

std::string edit_input(const std::string& path, const std::string& old_text,
                       const std::string& new_text) {
  return R"({"file_path":")" + json_escape(path) + R"(","old_string":")" + json_escape(old_text) +
         R"(","new_string":")" + json_escape(new_text) + R"(","replace_all":false})";
}

std::string read_file_if_exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? read_file(path) : std::string();
}

std::string trim_sha(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r'))
    s.pop_back();
  return s;
}

struct Counts {
  int64_t scored = 0, ai = 0;
  bool operator==(const Counts&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Counts& c) {
  return os << c.ai << " of " << c.scored;
}

// Per path, and "*" for the commit.
std::map<std::string, Counts> counts_of(const CommitRecord& c) {
  std::map<std::string, Counts> out = {{"*", Counts{}}};
  for (const CommitFile& f : c.files) {
    out[f.path] = {f.lines_added, f.ai_lines_added};
    out["*"].scored += f.lines_added;
    out["*"].ai += f.ai_lines_added;
  }
  return out;
}

// The laptop: a state folder with its line key, a Claude Code projects
// folder, and one repository.
class Laptop {
 public:
  Laptop() : repo_(dir_ / "app") {
    REQUIRE(LocalStore::prepare_state_dir(state()));
    auto key = load_line_key(state());
    REQUIRE(key);
    key_ = *key;
  }

  GitRepoBuilder& repo() { return repo_; }
  std::string state() const { return dir_ / "state"; }
  const TempDir& dir() const { return dir_; }

  void log(const std::string& line) {
    log_ += line + "\n";
    write_file(dir_ / "claude/projects/-app/session.jsonl", log_);
  }

  ScanStats scan_logs(int64_t line_days = 0) {
    auto store = LocalStore::open(state());
    REQUIRE(store);
    ScanOptions o;
    o.line_days = line_days;
    o.projects_dirs = {dir_ / "claude/projects"};
    o.strip.author = "dev@acme.example";
    o.remember_repos = true;
    o.line_key = key_;
    Scanner s(*store, Pricer::builtin(), o);
    auto stats = s.scan_all();
    REQUIRE(stats);
    for (const auto& p : s.problems())
      UNSCOPED_INFO(p.path << ": " << p.message);
    return *stats;
  }

  GitScanStats scan_git(int64_t now_day) {
    auto store = LocalStore::open(state());
    REQUIRE(store);
    REQUIRE(CommitStore(store->database()).note_repo(repo_.root(), "local/app"));
    GitScanOptions o;
    o.identities = {"dev@acme.example"};
    o.line_key = key_;
    auto stats = GitScan(store->database(), o).run(GitRepoBuilder::day_ms(now_day));
    REQUIRE(stats);
    for (const auto& p : stats->problems)
      UNSCOPED_INFO(p);
    CHECK(stats->problems.empty());
    return *stats;
  }

  std::map<std::string, CommitRecord> commits() {
    auto store = LocalStore::open(state());
    REQUIRE(store);
    auto queued = CommitStore(store->database()).unshipped(1000);
    REQUIRE(queued);
    std::map<std::string, CommitRecord> out;
    for (auto& q : *queued)
      out[q.commit.sha] = q.commit;
    return out;
  }

 private:
  TempDir dir_;
  GitRepoBuilder repo_;
  std::string key_, log_;
};

// What the assistant writes on day d0 + 1, in the session's log.
void assistant_writes_invoice(Laptop& l, int64_t d0) {
  const std::string root = l.repo().root();
  l.log(user_prompt_line("bbbbbbbb-0000-4000-8000-000000000001", "add invoice totals",
                         "11111111-1111-4111-8111-111111111111", root));
  // Write: four lines of code, a blank line and a lone brace-free close.
  l.log(tool_call_line("w1", "Write",
                       write_input(root + "/src/invoice.py",
                                   "def invoice_total(items):\n"
                                   "    subtotal = sum(item.price for item in items)\n"
                                   "    tax = subtotal * 0.2\n"
                                   "\n"
                                   "    return subtotal + tax\n"),
                       root, at_day(d0 + 1, 100), "req_w1"));
  // Edit: the kept line is not the assistant's, the new one is.
  l.log(tool_call_line("e1", "Edit",
                       edit_input(root + "/src/util.py", "def helper():\n    return 1\n",
                                  "def helper():\n    return compute_helper_value()\n"),
                       root, at_day(d0 + 1, 200), "req_e1"));
  // MultiEdit: two edits of one file.
  l.log(tool_call_line(
      "m1", "MultiEdit",
      R"({"file_path":")" + json_escape(root + "/src/util.py") +
          R"(","edits":[{"old_string":"X = 1","new_string":"MAX_ITEMS = 500"},)"
          R"({"old_string":"Y = 2","new_string":"MIN_ITEMS = 1\nDEFAULT_CURRENCY = 'EUR'"}]})",
      root, at_day(d0 + 1, 300), "req_m1"));
}

}  // namespace

TEST_CASE("a commit's added lines are matched to what the assistant wrote, by hand-counted rule",
          "[provenance][git]") {
  Laptop l;
  const int64_t d0 = today() - 10;
  auto& repo = l.repo();
  repo.write("src/util.py", "def helper():\n    return 1\n");
  const std::string base = repo.commit("base", d0);
  assistant_writes_invoice(l, d0);
  const ScanStats logs = l.scan_logs();
  CHECK(logs.changes_fingerprinted == 3);
  {
    auto store = LocalStore::open(l.state());
    REQUIRE(store);
    auto st = LineStore(store->database()).stats();
    REQUIRE(st);
    // Write 4, Edit 1, MultiEdit 3.
    CHECK(st->prints == 8);
    CHECK(st->calls == 3);
  }
  // Reading the log again adds nothing.
  CHECK(l.scan_logs().changes_fingerprinted == 0);

  // The developer's commit: three of the Write's lines verbatim (one of them
  // re-indented), one edited (0.2 -> 0.25), a comment of their own; the
  // Edit's line; two of the MultiEdit's lines and one changed; a README line.
  repo.write("src/invoice.py",
             "def invoice_total(items):\n"
             "        subtotal = sum(item.price for item in items)\n"
             "    tax = subtotal * 0.25\n"
             "\n"
             "    return subtotal + tax\n"
             "# checked by hand against last year's invoices\n");
  repo.write("src/util.py",
             "def helper():\n    return compute_helper_value()\n"
             "MAX_ITEMS = 500\nMIN_ITEMS = 2\nDEFAULT_CURRENCY = 'EUR'\n");
  repo.write("README.md", "Invoice totals\r\n");
  repo.write("logo.png", std::string("\x89PNG\r\n\x1a\n\0\0\0", 11));
  const std::string mine = repo.commit("PROJ-1 invoices", d0 + 2);
  const GitScanStats git = l.scan_git(d0 + 3);
  CHECK(git.commits_new == 2);
  CHECK(git.commits_scored == 2);

  auto commits = l.commits();
  REQUIRE(commits.count(mine) == 1);
  const auto c = counts_of(commits.at(mine));
  // invoice.py: 5 scored lines (the blank one is not), 3 the assistant's.
  CHECK(c.at("src/invoice.py") == Counts{5, 3});
  // util.py: the helper's new line, MAX_ITEMS and DEFAULT_CURRENCY are the
  // assistant's; MIN_ITEMS = 2 is the developer's edit of MIN_ITEMS = 1.
  CHECK(c.at("src/util.py") == Counts{4, 3});
  CHECK(c.at("README.md") == Counts{1, 0});
  CHECK(c.at("logo.png") == Counts{0, 0});  // binary: not scored
  CHECK(c.at("*") == Counts{10, 6});
  CHECK(commits.at(mine).on_default_branch);
  // The base commit came before the assistant wrote anything.
  CHECK(counts_of(commits.at(base)).at("*") == Counts{2, 0});
}

TEST_CASE("a squash merge and a rebase keep the assistant's lines, a merge commit is not scored",
          "[provenance][git]") {
  Laptop l;
  const int64_t d0 = today() - 10;
  auto& repo = l.repo();
  repo.write("src/util.py", "def helper():\n    return 1\n");
  repo.commit("base", d0);
  const std::string root = repo.root();
  l.log(tool_call_line("w2", "Write",
                       write_input(root + "/src/report.py",
                                   "def report(rows):\n    header = build_header(rows)\n"
                                   "    return render(header, rows)\n"),
                       root, at_day(d0 + 1), "req_w2"));
  l.log(tool_call_line(
      "w3", "Write",
      write_input(root + "/src/export.py", "def export(rows):\n    return to_csv(rows)\n"), root,
      at_day(d0 + 1, 60), "req_w3"));
  l.scan_logs();

  // A feature branch in two commits, squashed into main.
  repo.git({"checkout", "-q", "-b", "feature"}, d0 + 2);
  repo.write("src/report.py",
             "def report(rows):\n    header = build_header(rows)\n"
             "    return render(header, rows)\n");
  const std::string f1 = repo.commit("report", d0 + 2);
  repo.write("src/report.py",
             "def report(rows):\n    header = build_header(rows)\n"
             "    return render(header, rows)\n# reviewed\n");
  const std::string f2 = repo.commit("reviewed", d0 + 2, 60);
  repo.git({"checkout", "-q", "main"}, d0 + 3);
  repo.git({"merge", "-q", "--squash", "feature"}, d0 + 3);
  const std::string squash = repo.commit("PROJ-2 report (squashed)", d0 + 3);

  // A topic branch rebased onto main, and merged with a merge commit.
  repo.git({"checkout", "-q", "-b", "topic", "main~1"}, d0 + 3);
  repo.write("src/export.py", "def export(rows):\n    return to_csv(rows)\n");
  const std::string t1 = repo.commit("export", d0 + 3, 60);
  repo.git({"rebase", "-q", "main"}, d0 + 4);
  const std::string rebased = trim_sha(repo.git({"rev-parse", "HEAD"}));
  REQUIRE(rebased != t1);
  repo.git({"checkout", "-q", "main"}, d0 + 4);
  repo.git({"merge", "-q", "--no-ff", "-m", "merge topic", "topic"}, d0 + 4, 60);
  const std::string merge = trim_sha(repo.git({"rev-parse", "HEAD"}));

  l.scan_git(d0 + 5);
  auto commits = l.commits();
  CHECK(counts_of(commits.at(f1)).at("*") == Counts{3, 3});
  CHECK(counts_of(commits.at(f2)).at("*") == Counts{1, 0});
  CHECK(counts_of(commits.at(squash)).at("src/report.py") == Counts{4, 3});
  CHECK(commits.at(squash).on_default_branch);
  CHECK_FALSE(commits.at(f1).on_default_branch);
  CHECK(counts_of(commits.at(rebased)).at("src/export.py") == Counts{2, 2});
  CHECK(commits.count(t1) == 0);  // rebased away before the scan: never read
  CHECK(commits.at(merge).files.empty());
}

TEST_CASE("a line written after the commit, a line past the window, a huge commit: not AI",
          "[provenance][git]") {
  Laptop l;
  const int64_t d0 = today() - 200;
  auto& repo = l.repo();
  repo.write("a.txt", "first line of a\n");
  repo.commit("base", d0 + 150);
  const std::string root = repo.root();
  // Written long ago (past line_provenance_days on the scan's day), and
  // after the commit that holds it.
  l.log(tool_call_line("old", "Write", write_input(root + "/a.txt", "an old line\n"), root,
                       at_day(d0), "req_old"));
  l.log(tool_call_line("late", "Write", write_input(root + "/b.txt", "a late line\n"), root,
                       at_day(d0 + 190), "req_late"));
  l.scan_logs();
  repo.write("a.txt", "first line of a\nan old line\n");
  repo.write("b.txt", "a late line\n");
  const std::string before = repo.commit("before the late line", d0 + 180);
  std::string huge;
  for (int i = 0; i < 100'001; ++i)
    huge += "generated row " + std::to_string(i) + "\n";
  repo.write("big.txt", huge);
  const std::string c = repo.commit("huge", d0 + 185);
  repo.write("big.txt", huge + "an old line\n");
  repo.write("c.txt", "a late line\n");
  const std::string after = repo.commit("after", d0 + 195);
  const GitScanStats stats = l.scan_git(d0 + 199);
  CHECK(stats.line_prints_expired == 1);  // the old line: written 199 days before
  auto commits = l.commits();
  // The old line expired; the late one was written after this commit.
  CHECK(counts_of(commits.at(before)).at("a.txt") == Counts{1, 0});
  CHECK(counts_of(commits.at(before)).at("b.txt") == Counts{1, 0});
  // Over 100,000 added lines: not scored at all.
  CHECK(counts_of(commits.at(c)).at("*") == Counts{0, 0});
  // big.txt added one line (scored, not the assistant's: expired); c.txt's
  // line was written at day 190, before this commit.
  CHECK(counts_of(commits.at(after)).at("big.txt") == Counts{1, 0});
  CHECK(counts_of(commits.at(after)).at("c.txt") == Counts{1, 1});
}

TEST_CASE("the line key is private, made once, and a bad one is refused by name", "[provenance]") {
  TempDir dir;
  auto key = load_line_key(dir.path());
  REQUIRE(key);
  CHECK(key->size() == 32);
  struct stat st {};
  REQUIRE(::stat((dir / "line.key").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  auto again = load_line_key(dir.path());
  REQUIRE(again);
  CHECK(*again == *key);
  ::chmod((dir / "line.key").c_str(), 0644);
  auto readable = load_line_key(dir.path());
  REQUIRE_FALSE(readable);
  CHECK(readable.error().message.find(dir / "line.key") != std::string::npos);
  CHECK(readable.error().message.find("readable by others") != std::string::npos);
  write_file(dir / "line.key", std::string(64, 'z'));
  ::chmod((dir / "line.key").c_str(), 0600);
  auto bad = load_line_key(dir.path());
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message.find("64 hexadecimal digits") != std::string::npos);
  CHECK(bad.error().message.find("zzzz") == std::string::npos);
}

TEST_CASE(
    "privacy canaries: no written line and no fingerprint in the queue, the wire or the "
    "collector, only counts",
    "[provenance][privacy][shipping]") {
  Laptop l;
  CollectorFixture c(l.dir() / "collector");
  const std::string token = c.token_file("dev@acme.example");
  c.start();
  const int64_t d0 = today() - 10;
  auto& repo = l.repo();
  repo.write("src/util.py", "def helper():\n    return 1\n");
  repo.commit("base", d0);
  assistant_writes_invoice(l, d0);
  repo.write("src/invoice.py",
             "def invoice_total(items):\n"
             "    subtotal = sum(item.price for item in items)\n"
             "    return subtotal + tax\n");
  const std::string mine = repo.commit("PROJ-1 invoices", d0 + 2);
  // The real binary, as a laptop runs it: scan (logs, then git), then flush.
  const std::string state = l.state();
  const CommandResult scan = run({tracker_bin(), "scan", "--claude-dir", l.dir() / "claude",
                                  "--state", state, "--author", "dev@acme.example"});
  INFO(scan.out << scan.err);
  REQUIRE(scan.exit_code == 0);

  // The fingerprints the store holds: the canaries.
  std::vector<std::string> prints;
  {
    auto store = LocalStore::open(state);
    REQUIRE(store);
    auto st = store->database().prepare("SELECT print FROM line_prints");
    REQUIRE(st);
    while (*st->step())
      prints.push_back(std::to_string(st->int64(0)));
  }
  REQUIRE(prints.size() == 8);
  const std::vector<std::string> texts = {"invoice_total", "item.price", "compute_helper_value",
                                          "MAX_ITEMS", "DEFAULT_CURRENCY"};
  auto check_clean = [&](const std::string& where, const std::string& bytes) {
    INFO(where);
    for (const std::string& t : texts)
      CHECK(bytes.find(t) == std::string::npos);
    for (const std::string& p : prints)
      CHECK(bytes.find(p) == std::string::npos);
  };
  // The queue: the records and commits as stored (fingerprints are only in
  // line_prints, whose rows hold numbers and ids, never text).
  for (const char* q : {"SELECT group_concat(tools, '|') FROM usage_records",
                        "SELECT group_concat(files || reworked, '|') FROM git_commits",
                        "SELECT group_concat(session_id || request_id, '|') FROM line_prints"})
    check_clean(q, db_text(state + "/tracker.db", q));
  // No written line anywhere in the tracker's files.
  for (const char* f : {"tracker.db", "tracker.db-wal"}) {
    const std::string bytes = read_file_if_exists(state + "/" + f);
    for (const std::string& t : texts)
      CHECK(bytes.find(t) == std::string::npos);
  }
  (void)mine;
  // The wire: the batch the queue's commits travel in.
  {
    auto store = LocalStore::open(state);
    REQUIRE(store);
    auto queued = CommitStore(store->database()).unshipped(100);
    REQUIRE(queued);
    std::vector<CommitRecord> commits;
    for (const auto& q : *queued)
      commits.push_back(q.commit);
    proto::BatchHeader h;
    h.tracker_version = "test";
    h.device_id = "device";
    h.batch_id = "canary";
    h.created_ms = GitRepoBuilder::day_ms(d0 + 3);
    const std::string wire = proto::encode_json(h, {}, commits);
    check_clean("the wire", wire);
    CHECK(wire.find("\"lines_added\":3,\"ai_lines_added\":3") != std::string::npos);
  }

  const CommandResult flush = run({tracker_bin(), "flush", "--state", state, "--collector", c.url(),
                                   "--ca-file", c.ca(), "--token-file", token, "--timeout", "20"});
  INFO(flush.out << flush.err);
  REQUIRE(flush.exit_code == 0);
  // The collector has the counts: invoice.py's three lines are all verbatim
  // lines of the Write.
  CHECK(db_text(c.db(),
                "SELECT lines_added || '/' || ai_lines_added FROM commit_files"
                " WHERE sha = '" +
                    mine + "' AND path = 'src/invoice.py'") == "3/3");
  CHECK(db_text(c.db(),
                "SELECT scored_lines_added || '/' || ai_lines_added || '/' ||"
                " on_default_branch FROM commits WHERE sha = '" +
                    mine + "'") == "3/3/1");
  for (const char* q : {"SELECT group_concat(path, '|') FROM commit_files",
                        "SELECT group_concat(tools, '|') FROM usage_records"})
    check_clean(std::string("collector: ") + q, db_text(c.db(), q));
  const std::string collector_bytes =
      read_file_if_exists(c.db()) + read_file_if_exists(c.db() + "-wal");
  for (const std::string& t : texts)
    CHECK(collector_bytes.find(t) == std::string::npos);
}

TEST_CASE("a cold scan stores no written line the git pass would expire before matching it",
          "[provenance]") {
  Laptop l;
  const std::string root = l.repo().root();
  // One Write 100 days ago, one 10 days ago; lines are kept 90 days.
  l.log(tool_call_line("old1", "Write", write_input(root + "/src/old.py", "OLD_LINE = 1\n"), root,
                       at_day(today() - 100), "req_old1"));
  l.log(tool_call_line("new1", "Write", write_input(root + "/src/new.py", "NEW_LINE = 2\n"), root,
                       at_day(today() - 10), "req_new1"));
  const ScanStats stats = l.scan_logs(90);
  CHECK(stats.changes_fingerprinted == 1);
  CHECK(db_text(l.state() + "/tracker.db", "SELECT count(*) FROM line_calls") == "1");
  CHECK(db_text(l.state() + "/tracker.db", "SELECT count(*) FROM line_prints") == "1");
  // Both requests are still counted as usage.
  CHECK(db_text(l.state() + "/tracker.db", "SELECT count(*) FROM usage_records") == "2");
}
