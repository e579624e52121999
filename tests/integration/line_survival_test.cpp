// Survival and line-level rework (issue 27, docs/PROVENANCE.md) on real
// parts: Claude Code-shaped log lines read by the real Scanner into a real
// tracker store, a real git repository whose history edits, renames and
// deletes the assistant's lines over four months, measured by the real
// GitScan at its 21- and 90-day marks with hand-counted numbers; the
// privacy canaries over the survival table; and the counts through a real
// collector.
#include "tracker/queue/line_survival.hpp"

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

std::string write_call(const std::string& id, const std::string& path, const std::string& content,
                       const std::string& cwd, const std::string& timestamp) {
  AssistantSpec a;
  a.message_id = "msg_" + id;
  a.request_id = "req_" + id;
  a.uuid = "aaaaaaaa-0000-4000-8000-" + std::string(12 - std::min<size_t>(12, id.size()), '0') +
           id.substr(0, 12);
  a.timestamp = timestamp;
  a.cwd = cwd;
  a.tool_json = tool_use_block(
      "toolu_" + id, "Write",
      R"({"file_path":")" + json_escape(path) + R"(","content":")" + json_escape(content) + "\"}");
  return assistant_line(a);
}

// Per file of a queued commit: (lines alive, AI lines alive) at 21 and 90
// days; -1 until measured.
struct Alive {
  int64_t all21 = -1, ai21 = -1, all90 = -1, ai90 = -1;
  bool operator==(const Alive&) const = default;
};
std::ostream& operator<<(std::ostream& os, const Alive& a) {
  return os << "21d " << a.ai21 << " AI of " << a.all21 << ", 90d " << a.ai90 << " AI of "
            << a.all90;
}
Alive alive_of(const CommitFile& f) {
  return {f.lines_alive_21d, f.ai_lines_alive_21d, f.lines_alive_90d, f.ai_lines_alive_90d};
}

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
  void scan_logs() {
    auto store = LocalStore::open(state());
    REQUIRE(store);
    ScanOptions o;
    o.projects_dirs = {dir_ / "claude/projects"};
    o.strip.author = "dev@acme.example";
    o.remember_repos = true;
    o.line_key = key_;
    Scanner s(*store, Pricer::builtin(), o);
    REQUIRE(s.scan_all());
  }
  GitScanStats scan_git(int64_t now_day, int64_t max_files = 2'000,
                        size_t max_grep_hits = DuplicationLimits{}.max_grep_hits,
                        size_t tree_windows_from = DuplicationLimits{}.tree_windows_from) {
    auto store = LocalStore::open(state());
    REQUIRE(store);
    REQUIRE(CommitStore(store->database()).note_repo(repo_.root(), "local/app"));
    GitScanOptions o;
    o.identities = {"dev@acme.example"};
    o.line_key = key_;
    o.max_survival_files = max_files;
    o.duplication_limits.max_grep_hits = max_grep_hits;
    o.duplication_limits.tree_windows_from = tree_windows_from;
    auto stats = GitScan(store->database(), o).run(GitRepoBuilder::day_ms(now_day));
    REQUIRE(stats);
    for (const auto& p : stats->problems)
      UNSCOPED_INFO(p);
    CHECK(stats->problems.empty());
    return *stats;
  }
  std::map<std::string, CommitRecord> queued() {
    auto store = LocalStore::open(state());
    REQUIRE(store);
    auto rows = CommitStore(store->database()).unshipped(1000);
    REQUIRE(rows);
    std::map<std::string, CommitRecord> out;
    for (auto& q : *rows)
      out[q.commit.sha] = q.commit;
    return out;
  }
  // Ships everything queued (as the shipper would after a 2xx).
  void mark_all_shipped() {
    auto store = LocalStore::open(state());
    REQUIRE(store);
    CommitStore commits(store->database());
    auto rows = commits.unshipped(1000);
    REQUIRE(rows);
    std::vector<int64_t> ids;
    for (auto& q : *rows)
      ids.push_back(q.id);
    REQUIRE(commits.mark_shipped(ids));
  }
  int64_t survival_rows_of(const std::string& sha) {
    return std::stoll(db_text(state() + "/tracker.db",
                              "SELECT count(*) FROM line_survival WHERE sha = '" + sha + "'"));
  }

 private:
  TempDir dir_;
  GitRepoBuilder repo_;
  std::string key_, log_;
};

const CommitFile& file_of(const CommitRecord& c, const std::string& path) {
  for (const CommitFile& f : c.files)
    if (f.path == path) return f;
  FAIL("no file " << path << " in " << c.sha);
  throw;
}

// Six rates the developer typed, kept all along.
const std::string kRates =
    "RATE_DE = 0.19\nRATE_FR = 0.20\nRATE_IT = 0.22\nRATE_ES = 0.21\nRATE_NL = 0.21\n"
    "RATE_AT = 0.20\n";

// The story of invoice.py, day by day after d0 (hand-counted below):
//   d0+1  the assistant writes 4 lines (and a blank one)
//   d0+2  `mine`: the 4 AI lines, the developer's 6 rates and comment:
//         scored 11, AI 4
//   d0+10 `fix`: the AI's tax line rewritten (0.2 -> 0.25): rework of 1 AI line
//   d0+40 `trim`: the developer's comment deleted, the AI's return line changed
//   d0+50 `move`: src/invoice.py renamed billing/invoice.py
//   d0+105 `drop`: the file deleted (after every mark below)
struct Story {
  std::string mine, fix, trim, move, drop;
};

Story build_story(Laptop& l, int64_t d0, bool up_to_fix_only) {
  auto& repo = l.repo();
  const std::string root = repo.root();
  Story s;
  if (up_to_fix_only) {
    repo.write("README.md", "app\n");
    repo.commit("base", d0);
    l.log(write_call("w1", root + "/src/invoice.py",
                     "def invoice_total(items):\n"
                     "    subtotal = sum(item.price for item in items)\n"
                     "    tax = subtotal * 0.2\n"
                     "\n"
                     "    return subtotal + tax\n",
                     root, at_day(d0 + 1, 100)));
    l.scan_logs();
    repo.write("src/invoice.py", kRates +
                                     "def invoice_total(items):\n"
                                     "    subtotal = sum(item.price for item in items)\n"
                                     "    tax = subtotal * 0.2\n"
                                     "\n"
                                     "    return subtotal + tax\n"
                                     "# checked by hand against last year's invoices\n");
    s.mine = repo.commit("PROJ-1 invoices", d0 + 2);
    repo.write("src/invoice.py", kRates +
                                     "def invoice_total(items):\n"
                                     "    subtotal = sum(item.price for item in items)\n"
                                     "    tax = subtotal * 0.25\n"
                                     "\n"
                                     "    return subtotal + tax\n"
                                     "# checked by hand against last year's invoices\n");
    s.fix = repo.commit("PROJ-2 tax rate", d0 + 10);
    return s;
  }
  repo.write("src/invoice.py", kRates +
                                   "def invoice_total(items):\n"
                                   "    subtotal = sum(item.price for item in items)\n"
                                   "    tax = subtotal * 0.25\n"
                                   "\n"
                                   "    return round(subtotal + tax, 2)\n");
  s.trim = repo.commit("PROJ-3 rounding", d0 + 40);
  repo.git({"mv", "src/invoice.py", "src/billing.py"}, d0 + 50);
  s.move = repo.commit("PROJ-4 move", d0 + 50);
  repo.git({"rm", "-q", "src/billing.py"}, d0 + 105);
  s.drop = repo.commit("PROJ-5 drop", d0 + 105);
  return s;
}

}  // namespace

TEST_CASE("survival at 21 and 90 days counts the lines still on the default branch, by hand",
          "[provenance][survival][git]") {
  Laptop l;
  const int64_t d0 = today() - 130;
  Story s = build_story(l, d0, true);

  // Day 25: mine's 21-day mark is due (the branch as it stood on day 23,
  // after `fix`): the AI's def, subtotal and return lines, the developer's
  // rates and comment are alive; the AI's tax line is not. The base commit's
  // README line is measured too.
  GitScanStats first = l.scan_git(d0 + 25);
  CHECK(first.commits_new == 3);
  CHECK(first.survival_measured == 2);
  auto q = l.queued();
  CHECK(alive_of(file_of(q.at(s.mine), "src/invoice.py")) == Alive{10, 3, -1, -1});
  // fix's 21-day mark (day 31) is not due yet.
  CHECK(alive_of(file_of(q.at(s.fix), "src/invoice.py")) == Alive{});
  // Rework at line level: fix rewrote one line of mine, the AI's.
  REQUIRE(q.at(s.fix).reworked.size() == 1);
  CHECK(q.at(s.fix).reworked[0].original_sha == s.mine);
  CHECK(q.at(s.fix).reworked[0].lines == 1);
  CHECK(q.at(s.fix).reworked[0].ai_lines == 1);

  // Shipped, then measured again: the commit is queued again with its mark.
  l.mark_all_shipped();
  CHECK(l.queued().empty());

  const Story later = build_story(l, d0, false);
  // Day 115: every mark up to day 115 is due.
  GitScanStats second = l.scan_git(d0 + 115);
  q = l.queued();
  // mine at 90 days (day 92: after trim and the rename, before drop): the
  // AI's def and subtotal lines and the six rates are alive in
  // src/billing.py; the AI's return line changed, the comment went, the tax
  // line went at day 10.
  REQUIRE(q.count(s.mine) == 1);
  CHECK(alive_of(file_of(q.at(s.mine), "src/invoice.py")) == Alive{10, 3, 8, 2});
  // fix's own line (the developer's 0.25 tax line): alive at day 31 and at
  // day 100, through the rename; the drop on day 105 is after both marks.
  CHECK(alive_of(file_of(q.at(s.fix), "src/invoice.py")) == Alive{1, 0, 1, 0});
  // trim's changed return line: alive at day 61; its 90-day mark is day 130.
  CHECK(alive_of(file_of(q.at(later.trim), "src/invoice.py")) == Alive{1, 0, -1, -1});
  // trim reworked nothing in the window: mine's lines it changed are 38 days old.
  CHECK(q.at(later.trim).reworked.empty());
  CHECK(second.survival_measured == 5);  // base 90, mine 90, fix 21 and 90, trim 21
  // Measured at both marks: mine's and fix's fingerprints are gone from the laptop.
  CHECK(l.survival_rows_of(s.mine) == 0);
  CHECK(l.survival_rows_of(s.fix) == 0);
  CHECK(l.survival_rows_of(later.trim) == 1);
}

TEST_CASE("survival follows a squash merge by content, and an unmerged branch's lines are dead",
          "[provenance][survival][git]") {
  Laptop l;
  const int64_t d0 = today() - 40;
  auto& repo = l.repo();
  const std::string root = repo.root();
  repo.write("README.md", "app\n");
  repo.commit("base", d0);
  l.log(write_call("w1", root + "/src/report.py",
                   "def report(rows):\n    header = build_header(rows)\n"
                   "    return render(header, rows)\n",
                   root, at_day(d0 + 1)));
  l.log(write_call("w2", root + "/src/spike.py", "def spike():\n    return try_new_engine()\n",
                   root, at_day(d0 + 1, 60)));
  l.scan_logs();
  repo.git({"checkout", "-q", "-b", "feature"}, d0 + 2);
  repo.write("src/report.py",
             "def report(rows):\n    header = build_header(rows)\n"
             "    return render(header, rows)\n");
  const std::string f1 = repo.commit("report", d0 + 2);
  repo.git({"checkout", "-q", "main"}, d0 + 3);
  repo.git({"merge", "-q", "--squash", "feature"}, d0 + 3);
  const std::string squash = repo.commit("PROJ-2 report (squashed)", d0 + 3);
  repo.git({"checkout", "-q", "-b", "spike"}, d0 + 4);
  repo.write("src/spike.py", "def spike():\n    return try_new_engine()\n");
  const std::string spike = repo.commit("spike", d0 + 4);
  repo.git({"checkout", "-q", "main"}, d0 + 4);

  l.scan_git(d0 + 30);
  auto q = l.queued();
  // f1 never reached main itself, but its lines did (squashed): alive.
  CHECK(alive_of(file_of(q.at(f1), "src/report.py")) == Alive{3, 3, -1, -1});
  CHECK(alive_of(file_of(q.at(squash), "src/report.py")) == Alive{3, 3, -1, -1});
  // The spike never reached main: none of its lines are alive.
  CHECK(alive_of(file_of(q.at(spike), "src/spike.py")) == Alive{0, 0, -1, -1});
}

TEST_CASE("survival measures at most max_survival_files per pass and the rest the next",
          "[provenance][survival][git]") {
  Laptop l;
  const int64_t d0 = today() - 40;
  auto& repo = l.repo();
  repo.write("a.txt", "alpha line one\n");
  repo.write("b.txt", "beta line one\n");
  repo.write("c.txt", "gamma line one\n");
  repo.commit("three files", d0);
  GitScanStats first = l.scan_git(d0 + 30, 2);
  CHECK(first.survival_measured == 2);
  CHECK(first.survival_pending == 1);
  GitScanStats second = l.scan_git(d0 + 30, 2);
  CHECK(second.survival_measured == 1);
  CHECK(second.survival_pending == 0);
  for (const auto& [sha, c] : l.queued())
    for (const CommitFile& f : c.files)
      CHECK(alive_of(f) == Alive{1, 0, -1, -1});
}

TEST_CASE(
    "privacy canaries: survival's fingerprints stay in the laptop's table, only counts reach "
    "the collector",
    "[provenance][survival][privacy][shipping]") {
  Laptop l;
  CollectorFixture c(l.dir() / "collector");
  const std::string token = c.token_file("dev@acme.example");
  c.start();
  const int64_t d0 = today() - 130;
  Story s = build_story(l, d0, true);
  l.scan_git(d0 + 25);
  const std::string state = l.state();
  auto flush = [&] {
    const CommandResult r = run({tracker_bin(), "flush", "--state", state, "--collector", c.url(),
                                 "--ca-file", c.ca(), "--token-file", token, "--timeout", "20"});
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
  };
  flush();
  const std::string where = " WHERE sha = '" + s.mine + "' AND path = 'src/invoice.py'";
  CHECK(db_text(c.db(),
                "SELECT lines_alive_21d || '/' || ai_lines_alive_21d || '/' || lines_alive_90d"
                " FROM commit_files" +
                    where) == "10/3/-1");
  CHECK(db_text(c.db(), "SELECT lines || '/' || ai_lines FROM commit_reworks WHERE sha = '" +
                            s.fix + "'") == "1/1");
  // Later: the 90-day mark is sent with the commit again; the collector fills it in.
  build_story(l, d0, false);
  l.scan_git(d0 + 115);
  flush();
  CHECK(db_text(c.db(),
                "SELECT lines_alive_21d || '/' || ai_lines_alive_21d || '/' || lines_alive_90d"
                " || '/' || ai_lines_alive_90d FROM commit_files" +
                    where) == "10/3/8/2");

  // The canaries: the fingerprints the laptop keeps for survival, in the
  // packed form and as numbers.
  std::vector<std::string> prints;
  {
    auto store = LocalStore::open(state);
    REQUIRE(store);
    auto st = store->database().prepare(
        "SELECT ai_prints || other_prints FROM line_survival UNION ALL SELECT printf('%016x', "
        "print) FROM line_prints");
    REQUIRE(st);
    while (*st->step()) {
      auto unpacked = unpack_prints(st->text(0));
      REQUIRE(unpacked);
      for (const int64_t p : *unpacked) {
        prints.push_back(pack_prints({p}));
        prints.push_back(std::to_string(p));
      }
    }
  }
  REQUIRE_FALSE(prints.empty());
  const std::vector<std::string> texts = {"invoice_total", "item.price", "subtotal * 0.25",
                                          "checked by hand"};
  auto check_clean = [&](const std::string& what, const std::string& bytes) {
    INFO(what);
    for (const std::string& t : texts)
      CHECK(bytes.find(t) == std::string::npos);
    for (const std::string& p : prints)
      CHECK(bytes.find(p) == std::string::npos);
  };
  check_clean("the queue's commits",
              db_text(state + "/tracker.db",
                      "SELECT group_concat(files || reworked, '|') FROM git_commits"));
  {
    auto store = LocalStore::open(state);
    REQUIRE(store);
    auto queued = CommitStore(store->database()).unshipped(100);
    REQUIRE(queued);
    std::vector<CommitRecord> commits;
    for (const auto& qc : *queued)
      commits.push_back(qc.commit);
    proto::BatchHeader h;
    h.tracker_version = "test";
    h.device_id = "device";
    h.batch_id = "canary";
    h.created_ms = GitRepoBuilder::day_ms(d0 + 3);
    check_clean("the wire", proto::encode_json(h, {}, commits));
  }
  for (const char* q :
       {"SELECT group_concat(path || lines_alive_21d || lines_alive_90d, '|') FROM commit_files",
        "SELECT group_concat(path || lines || ai_lines, '|') FROM commit_reworks"})
    check_clean(std::string("collector: ") + q, db_text(c.db(), q));
  const std::string collector_bytes = read_file(c.db());
  for (const std::string& t : texts)
    CHECK(collector_bytes.find(t) == std::string::npos);
}

TEST_CASE("duplication: blocks of 6 or more lines repeating code in the repository, by hand",
          "[provenance][duplication][git]") {
  // The same counts from one git grep of all blocks, with a file whose name
  // holds a newline among git's answers, with each block asking on its
  // own (past max_grep_hits), and from the windows of each commit's tree
  // (as a pass of 64 commits or more counts them).
  for (const int variant : {0, 1, 2, 3}) {
    INFO("variant (0: one grep, 1: a newline in a name, 2: a grep per block, 3: tree windows): "
         << variant);
    const bool odd_name = variant == 1;
    Laptop l;
    const int64_t d0 = today() - 10;
    auto& repo = l.repo();
    const std::string root = repo.root();
    const std::string parse =
        "def parse_config(path):\n"
        "    with open(path) as handle:\n"
        "        raw = handle.read()\n"
        "    entries = [line.split('=') for line in raw.splitlines()]\n"
        "    pairs = {key.strip(): value.strip() for key, value in entries}\n"
        "    validate_pairs(pairs)\n"
        "    return pairs\n"
        "    # end of parse_config\n";
    repo.write("src/lib.py", parse);
    if (odd_name) repo.write("notes\nodd.txt", "        raw = handle.read()\n");
    const std::string base = repo.commit("base", d0);
    // The assistant writes app.py: 7 lines copied from lib.py, then 6 new ones.
    const std::string copied = parse.substr(0, parse.find("    # end"));  // lib.py's first 7 lines
    const std::string fresh =
        "def load_settings(folder):\n"
        "    settings_file = folder / 'settings.ini'\n"
        "    loaded = parse_config(settings_file)\n"
        "    loaded.setdefault('region', 'eu-west-1')\n"
        "    audit_log('settings loaded', folder)\n"
        "    return loaded\n";
    l.log(write_call("w1", root + "/src/app.py", copied + fresh, root, at_day(d0 + 1)));
    l.scan_logs();
    // The developer keeps both blocks apart with a line of their own, and
    // copies six of lib.py's lines into tools.py by hand.
    repo.write("src/app.py", copied + "# glue between the two\n" + fresh);
    const std::string six = parse.substr(parse.find("    with open"), std::string::npos);
    repo.write("src/tools.py", six.substr(0, six.find("    # end")));
    repo.write("README.md", "settings\n");
    const std::string mine = repo.commit("PROJ-9 settings", d0 + 2);
    l.scan_git(d0 + 3, 2'000, variant == 2 ? 1 : DuplicationLimits{}.max_grep_hits,
               variant == 3 ? 0 : DuplicationLimits{}.tree_windows_from);
    auto q = l.queued();
    struct Blocks {
      int64_t ai = 0, ai_rep = 0, other = 0, other_rep = 0;
      bool operator==(const Blocks&) const = default;
    };
    auto blocks = [](const CommitFile& f) {
      return Blocks{f.ai_blocks, f.ai_blocks_repeated, f.other_blocks, f.other_blocks_repeated};
    };
    // app.py: the AI's 7 copied lines (a block repeating lib.py) and its 6
    // new ones (a block repeating nothing); the glue line is no block.
    CHECK(blocks(file_of(q.at(mine), "src/app.py")) == Blocks{2, 1, 0, 0});
    // tools.py: the developer's 6 copied lines (the AI's copies were taken by
    // app.py's lines: each written line matches once per commit).
    CHECK(file_of(q.at(mine), "src/tools.py").ai_lines_added == 0);
    CHECK(blocks(file_of(q.at(mine), "src/tools.py")) == Blocks{0, 0, 1, 1});
    CHECK(blocks(file_of(q.at(mine), "README.md")) == Blocks{});
    // lib.py in the base commit: one block of 8, found only where it is.
    CHECK(blocks(file_of(q.at(base), "src/lib.py")) == Blocks{0, 0, 1, 0});
  }
}
