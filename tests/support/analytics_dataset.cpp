#include "tests/support/analytics_dataset.hpp"

#include <algorithm>

#include "tests/support/insight_records.hpp"

namespace codepulse::test {
namespace {

constexpr int64_t kDay = kDayMs;

}  // namespace

std::map<std::string, std::vector<proto::WireRecord>> analytics_dataset(uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<uint64_t>(n)); };
  const char* models[] = {"claude-opus-4-6", "claude-sonnet-4-5-20250929",
                          "claude-haiku-4-5-20251001", "gateway-model-x"};
  const char* assistants[] = {"claude-code", "claude-code", "codex", "gemini-cli"};
  std::map<std::string, std::vector<proto::WireRecord>> out;
  for (int i = 0; i < 600; ++i) {
    proto::WireRecord w;
    w.record_uid = "u" + std::to_string(i);
    UsageRecord& r = w.usage;
    r.timestamp_ms = kT0 + pick(90) * kDay + pick(static_cast<int>(kDay));
    r.session_id = "s" + std::to_string(pick(25));
    r.turn_id = pick(6) == 0 ? "" : "t" + std::to_string(i / 4);
    r.assistant = assistants[pick(4)];
    r.model = models[pick(4)];
    r.input = pick(5000);
    r.output = pick(20000);
    r.cache_create_5m = pick(90000);
    r.cache_create_1h = pick(4) == 0 ? pick(5000) : 0;
    r.cache_read = pick(900000);
    r.inference_geo = pick(4) == 0 ? "us" : "global";
    r.fast = r.model == std::string("claude-opus-4-6") && pick(5) == 0;
    r.web_search_requests = pick(6) == 0 ? pick(3) : 0;
    r.repo = "github.com/acme/r" + std::to_string(pick(4));
    r.branch = pick(4) == 0 ? "" : pick(2) ? "main" : "feature/x";
    const int tasks = pick(4);
    for (int t = 0; t < tasks; ++t)
      r.task_keys += (t ? "," : "") + std::string("PROJ-") + std::to_string(pick(6));
    for (int t = pick(3); t > 0; --t) {
      const char* names[] = {"Skill", "mcp:github:search", "Bash"};
      r.tools.push_back(
          test::tool_call("toolu_" + std::to_string(i) + "_" + std::to_string(t), names[pick(3)]));
    }
    out["dev" + std::to_string(pick(5)) + "@acme.example"].push_back(std::move(w));
  }
  // A burst: 200 requests of one session in 33 minutes, a turn every four.
  for (int i = 600; i < 800; ++i) {
    proto::WireRecord w;
    w.record_uid = "u" + std::to_string(i);
    UsageRecord& r = w.usage;
    r.timestamp_ms = kT0 + 10 * kDay + (i - 600) * 10'000;
    r.session_id = "burst";
    r.turn_id = "tb" + std::to_string(i / 4);
    r.model = "claude-opus-4-6";
    r.input = 10 + i;
    r.output = 100;
    r.repo = "github.com/acme/r0";
    r.branch = "main";
    out["dev0@acme.example"].push_back(std::move(w));
  }
  return out;
}

std::map<std::string, std::vector<proto::WireRecord>> file_dataset(uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<uint64_t>(n)); };
  const char* models[] = {"claude-opus-4-6", "claude-sonnet-4-5-20250929",
                          "claude-haiku-4-5-20251001", "gateway-model-x"};
  const char* paths[] = {"src/a.cpp",        "src/b.cpp", "src/c.hpp", "docs/README.md",
                         "tests/a_test.cpp", "Makefile",  "src/z.cpp"};
  std::map<std::string, std::vector<proto::WireRecord>> out;
  int uid = 0;
  for (int turn = 0; turn < 120; ++turn) {
    // The turn's start: any quarter hour of a month; turn 7 at 23:50 on
    // 2026-01-05, its records running past midnight.
    const int64_t start = turn == 7 ? kT0 + 4 * kDay + 23 * 3'600'000 + 50 * 60'000
                                    : kT0 + pick(30) * kDay + pick(96) * 900'000;
    const std::string author = "dev" + std::to_string(pick(3)) + "@acme.example";
    const std::string session = "fs" + std::to_string(pick(12));
    const std::string model = models[pick(4)];
    std::string task_keys;
    for (int t = pick(4); t > 0; --t)
      task_keys += (task_keys.empty() ? "" : ",") + std::string("PROJ-") + std::to_string(pick(5));
    for (int k = 0; k < 4; ++k, ++uid) {
      proto::WireRecord w;
      w.record_uid = "f" + std::to_string(uid);
      UsageRecord& r = w.usage;
      r.timestamp_ms = start + k * 600'000 + pick(60'000);
      r.session_id = session;
      r.turn_id = turn % 10 == 9 ? "" : "ft" + std::to_string(turn);
      r.model = model;
      r.input = pick(4000);
      r.output = pick(3000);
      r.cache_create_5m = pick(20000);
      r.cache_read = pick(200000);
      r.repo = "github.com/acme/r" + std::to_string(pick(2));
      r.branch = pick(3) == 0 ? "" : "main";
      r.task_keys = task_keys;
      for (int c = pick(4); c > 0; --c) {
        const std::string id = "toolu_f" + std::to_string(uid) + "_" + std::to_string(c);
        const int kind = pick(5);
        if (kind == 0) {
          r.tools.push_back(tool_call(id, "Bash"));
          continue;
        }
        if (kind == 1) {
          r.tools.push_back(read_call(id, paths[pick(7)]));
          continue;
        }
        ToolUse t = tool_call(id, kind == 2 ? "Write" : "Edit");
        t.path = paths[pick(7)];
        t.action = FileAction::kChange;
        t.result_seen = pick(6) != 0;
        if (t.result_seen) {
          t.lines_added = pick(400);
          t.lines_removed = pick(3) == 0 ? 0 : pick(120);
        }
        r.tools.push_back(std::move(t));
      }
      out[author].push_back(std::move(w));
    }
  }
  return out;
}

OutcomeDataset outcome_dataset(uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<uint64_t>(n)); };
  auto sha = [&] {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    for (int i = 0; i < 40; ++i)
      out.push_back(kHex[pick(16)]);
    return out;
  };
  constexpr int64_t kMinute = 60'000, kHour = 3'600'000;
  const char* models[] = {"claude-opus-4-6", "claude-sonnet-4-5-20250929", "gpt-5.1-codex",
                          "gateway-model-x"};
  const char* paths[] = {"src/a.cpp", "src/b.cpp", "src/c.hpp", "docs/README.md",
                         "tests/a_test.cpp"};
  OutcomeDataset out;
  std::vector<CommitRecord>& commits = out.outcomes.commits.commits;
  auto add_commit = [&](const std::string& repo, const std::string& email, int64_t ms,
                        const std::string& branch, const std::vector<std::string>& files,
                        std::string full_sha) {
    CommitRecord c;
    c.repo = repo;
    c.sha = std::move(full_sha);
    c.author_email = pick(4) == 0 ? "Dev" + email.substr(3) : email;  // git's case, not the token's
    c.committer_email = pick(8) == 0 ? "noreply@github.com" : c.author_email;
    c.author_ms = ms - pick(30) * kMinute;
    c.committer_ms = ms;
    c.branch = branch;
    if (pick(6) == 0) c.parents = {sha(), sha()};
    if (branch.starts_with("feature/")) c.task_keys = branch.substr(8);
    c.ai_coauthor = pick(3) == 0;
    c.on_default_branch = branch == "main";
    for (const std::string& path : files) {
      CommitFile f;
      f.path = path;
      f.added = pick(200);
      f.removed = pick(50);
      f.lines_added = f.added / 2;
      f.ai_lines_added = pick(2) ? f.lines_added / 2 : 0;
      c.files.push_back(std::move(f));
    }
    commits.push_back(std::move(c));
  };
  int uid = 0;
  for (int s = 0; s < 18; ++s) {
    const std::string author = "dev" + std::to_string(s % 3) + "@acme.example";
    const std::string repo = "github.com/acme/r" + std::to_string(s % 2);
    const std::string session = "os" + std::to_string(s);
    std::string branch = s % 4 == 3   ? ""
                         : s % 4 == 0 ? "main"
                                      : "feature/PROJ-" + std::to_string(s % 5);
    const int64_t start = kT0 + pick(35) * kDayMs + (8 + pick(8)) * kHour + pick(4) * 900'000;
    std::vector<std::string> edited;
    int64_t ts = start, last_edit = 0;
    const int n = 3 + pick(8);
    for (int k = 0; k < n; ++k, ++uid) {
      proto::WireRecord w;
      w.record_uid = "o" + std::to_string(uid);
      UsageRecord& r = w.usage;
      // Session 5's fourth record at the millisecond of its third, on
      // another branch: the later record (by id) is the session's latest.
      if (!(s == 5 && k == 3)) ts += (5 + pick(20)) * kMinute + pick(1000);
      if (s % 5 == 4 && k == n / 2) branch = "feature/PROJ-9";  // the session moves on
      if (s == 5 && k == 3) branch = "feature/PROJ-7";
      r.timestamp_ms = ts;
      r.session_id = session;
      r.turn_id = "ot" + std::to_string(uid / 2);
      r.assistant = s % 6 == 1 ? "codex" : "claude-code";
      r.model = models[pick(4)];
      r.input = pick(5000);
      r.output = pick(20000);
      r.cache_create_5m = pick(90000);
      r.cache_read = pick(900000);
      r.repo = repo;
      r.branch = branch;
      if (branch.starts_with("feature/")) r.task_keys = branch.substr(8);
      for (int c = pick(4); c > 0; --c) {
        const std::string id = "toolu_o" + std::to_string(uid) + "_" + std::to_string(c);
        const int kind = pick(6);
        if (kind == 0) {
          r.tools.push_back(read_call(id, paths[pick(5)]));
        } else if (kind == 1) {
          r.tools.push_back(tool_call(id, pick(2) ? "Skill" : "mcp:github:create_pull_request"));
        } else if (kind == 2 && k > 0) {
          // A `git commit`: its sha, whole or cut to 7 characters.
          ToolUse t = tool_call(id, "Bash");
          t.git_commit = true;
          t.result_seen = true;
          std::string full = sha();
          t.commit_sha = pick(2) ? full : full.substr(0, 7);
          r.tools.push_back(std::move(t));
          add_commit(pick(10) == 0 ? "github.com/acme/r9" : repo, author, ts + pick(50) * 1000,
                     branch, edited.empty() ? std::vector<std::string>{"src/z.cpp"} : edited,
                     std::move(full));
        } else {
          ToolUse t = tool_call(id, pick(2) ? "Edit" : "Write");
          t.path = paths[pick(5)];
          t.action = FileAction::kChange;
          t.result_seen = pick(5) != 0;
          if (t.result_seen) t.lines_added = pick(300);
          if (std::find(edited.begin(), edited.end(), t.path) == edited.end())
            edited.push_back(t.path);
          last_edit = ts;
          r.tools.push_back(std::move(t));
        }
      }
      out.records[author].push_back(std::move(w));
    }
    // Commits no call reported: a file the session changed within its edit
    // window (strong), on its branch soon after (weak), and someone else's.
    if (last_edit > 0 && pick(3) != 0)
      add_commit(repo, author, last_edit + pick(6) * kHour, branch, {edited[0], "src/new.cpp"},
                 sha());
    if (!branch.empty() && pick(2))
      add_commit(repo, author, ts + pick(100) * kMinute, branch, {"Makefile"}, sha());
    if (pick(2))
      add_commit(repo, "dev9@acme.example", ts + pick(10) * kHour, branch, {"src/a.cpp"}, sha());
  }
  // Commits far from every session, one a year before.
  add_commit("github.com/acme/r0", "dev1@acme.example", kT0 + 60 * kDayMs, "main", {"x.c"}, sha());
  add_commit("github.com/acme/r1", "dev2@acme.example", kT0 - 365 * kDayMs, "main", {"y.c"}, sha());
  // Rework: a later commit of the same repository rewrote lines of an earlier one.
  std::vector<report::ReworkFact>& rework = out.outcomes.commits.rework_of_commits;
  for (size_t i = 0; i < commits.size(); ++i)
    for (size_t j = 0; j < commits.size(); ++j) {
      const CommitRecord& a = commits[i];
      CommitRecord& b = commits[j];
      if (a.repo != b.repo || a.committer_ms >= b.committer_ms || a.files.empty() || pick(5))
        continue;
      const int64_t lines = 1 + pick(20);
      const int64_t ai = pick(3) == 0 ? -1 : pick(static_cast<int>(lines) + 1);
      b.reworked.push_back({a.sha, a.files[0].path, lines, ai});
      rework.push_back({a.repo, a.sha, a.files[0].path, b.sha, b.committer_ms, lines, ai});
    }
  // Pull requests of the feature branches: merged, open, closed; some name
  // their commits, some only their branch.
  int number = 0;
  for (int k = 0; k < 10; ++k) {
    report::PullRequestFact pr;
    pr.repo = "github.com/acme/r" + std::to_string(k % 2);
    pr.number = ++number;
    pr.author = "github:dev" + std::to_string(k % 3);
    pr.author_email = k % 4 == 3 ? "" : "dev" + std::to_string(k % 3) + "@acme.example";
    pr.head_branch = k == 9 ? "feature/PROJ-9" : "feature/PROJ-" + std::to_string(k % 5);
    pr.base_branch = "main";
    pr.task_keys = pr.head_branch.substr(8);
    pr.opened_ms = kT0 + pick(30) * kDayMs + pick(24) * kHour;
    pr.ready_ms = pr.opened_ms + (pick(2) ? 0 : pick(10) * kHour);
    pr.first_review_ms = pick(3) ? pr.ready_ms + pick(30) * kHour : 0;
    const int state = pick(4);
    pr.state = state == 0   ? report::PullRequestFact::State::kOpen
               : state == 1 ? report::PullRequestFact::State::kClosed
                            : report::PullRequestFact::State::kMerged;
    if (pr.state == report::PullRequestFact::State::kMerged) {
      pr.merged_ms = pr.ready_ms + (1 + pick(100)) * kHour;
      pr.closed_ms = pr.merged_ms;
      pr.merge_sha = sha();
    } else if (pr.state == report::PullRequestFact::State::kClosed) {
      pr.closed_ms = pr.opened_ms + pick(50) * kHour;
    }
    for (const CommitRecord& c : commits)
      if (c.repo == pr.repo && c.branch == pr.head_branch && pick(3) != 0) {
        if (k % 2 == 0) pr.commit_shas.push_back(c.sha);
        pr.head_sha = c.sha;
        if (pr.first_commit_ms == 0 || c.author_ms < pr.first_commit_ms)
          pr.first_commit_ms = c.author_ms;
      }
    out.outcomes.pull_requests.push_back(std::move(pr));
  }
  return out;
}

report::OutcomeData outcomes_of(const report::OutcomeData& data, int64_t since, int64_t until) {
  report::OutcomeData out;
  for (const CommitRecord& c : data.commits.commits)
    if (c.committer_ms >= since && c.committer_ms < until) out.commits.commits.push_back(c);
  for (const report::ReworkFact& r : data.commits.rework_of_commits)
    if (std::any_of(out.commits.commits.begin(), out.commits.commits.end(),
                    [&r](const CommitRecord& c) { return c.sha == r.original_sha; }))
      out.commits.rework_of_commits.push_back(r);
  out.pull_requests = data.pull_requests;
  return out;
}

std::shared_ptr<report::PeopleTimeline> analytics_directory() {
  auto t = std::make_shared<report::PeopleTimeline>();
  const int64_t feb15 = (kT0 + 45 * kDay) / kDay;
  const uint32_t a = t->add_person("dev0@acme.example");
  t->add_alias("dev0@acme.example", a);
  const uint32_t b = t->add_person("dev1@acme.example");
  t->add_alias("dev1@acme.example", b);
  const uint32_t api = t->add_team({"api", "platform", "acme"});
  const uint32_t web = t->add_team({"web", "product", "acme"});
  const uint32_t l2 = t->add_level("L2");
  t->add_membership(a, {INT64_MIN, INT64_MAX, api});
  t->add_membership(b, {INT64_MIN, feb15 - 1, api});
  t->add_membership(b, {feb15, INT64_MAX, web});
  t->add_level_span(a, {INT64_MIN, INT64_MAX, l2});
  return t;
}

report::SeatContext analytics_seats() {
  const int64_t jan1 = kT0 / kDay;
  report::SeatContext c;
  c.charges = std::make_shared<const report::SeatCharges>(std::vector<report::SeatTerm>{
      {1, "claude-max-20x", "claude-code", "dev0@acme.example", 200'000'000'000, jan1},
      {2, "chatgpt-business", "codex", "dev3@acme.example", 30'000'000'000, jan1 + 31},
      {3, "claude-team", "claude-code", "idle@acme.example", 25'000'000'000, jan1}});
  return c;
}

void vary_report(report::Params& params, int round, std::mt19937_64& rng,
                 const std::vector<std::string>& filters) {
  static const std::vector<std::pair<std::string, std::string>> ranges = {
      {"2026-02-01", ""},
      {"2026-01-10T10:15:00Z", "2026-03-02T23:45:00Z"},
      {"", "2026-02-20"},
      {"2026-01-20", "2026-01-27"}};
  static const char* const zones[] = {"UTC", "Asia/Kathmandu", "America/New_York"};
  if (round % 2 == 1) params.emplace_back("where", filters[rng() % filters.size()]);
  if (round % 5 == 2) params.emplace_back("where", filters[rng() % filters.size()]);
  if (round % 3 == 2) params.emplace_back("top", std::to_string(1 + rng() % 3));
  if (round % 4 != 0) {
    const auto& [since, until] = ranges[rng() % ranges.size()];
    if (!since.empty()) params.emplace_back("since", since);
    if (!until.empty()) params.emplace_back("until", until);
  }
  params.emplace_back("tz", zones[round % 3]);
}

std::string group_by_of(const std::vector<std::string>& dims) {
  std::string out;
  for (const auto& d : dims)
    out += (out.empty() ? "" : ",") + d;
  return out;
}

std::string described(const report::Params& params) {
  std::string out;
  for (const auto& [k, v] : params)
    out += k + "=" + v + " ";
  return out;
}

}  // namespace codepulse::test
