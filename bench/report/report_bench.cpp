// codepulse-bench-report: the report speed benchmark of docs/BENCHMARKS.md.
//
//   generate --db F [--records N] [--authors A] [--seed S]
//       a collector store with N records (default 10 million) from A
//       authors (default 200), 50 repos, 5,000 files, 2,000 tasks in 100 epics, over the
//       year before 2026-11-01, written through the store's own ingest.
//   query --db F [--rounds K] [--ingest-rate R] [--seats 1]
//       builds the live report cube the collector builds at start, then times
//       each benchmark report K times (engine and JSON rendering apart) while
//       another thread ingests R new records per second through the store,
//       as the collector's writer does. Prints a Markdown table.
#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "collector/store/store.hpp"
#include "common/report/outcome_report.hpp"
#include "common/report/report.hpp"
#include "common/report/seat_charges.hpp"
#include "common/report/usage_cube.hpp"
#include "common/sqlite.hpp"

using namespace codepulse;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int kAuthors = 200, kRepos = 50, kFilesPerRepo = 100, kTasksPerRepo = 40, kEpics = 100;
constexpr int64_t kDayMs = 86'400'000;
constexpr int64_t kEnd = 1'793'491'200'000;  // 2026-11-01T00:00:00Z
constexpr int64_t kStart = kEnd - 365 * kDayMs;

double ms_since(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

std::string task_key(int repo, int task) {
  return "PROJ-" + std::to_string(repo * kTasksPerRepo + task + 1);
}

// Sessions of one author, one after another, as Claude Code writes them: a
// repo and branch per session, turns of a few requests, and the files each
// turn changed or read.
class Generator {
 public:
  Generator(uint64_t seed, int64_t start_ms, int64_t end_ms)
      : rng_(seed), seed_(seed), start_(start_ms), end_(end_ms) {}

  // Appends about `n` records of `author` (whole sessions).
  void session(int author, std::vector<proto::WireRecord>& out) {
    static const char* kModels[] = {"claude-sonnet-4-5-20250929", "claude-opus-4-6",
                                    "claude-haiku-4-5-20251001"};
    const int repo = (author * 7 + pick(3) * 11) % kRepos;  // a few repos per author
    const bool on_task = pick(10) < 8;
    const int task = pick(kTasksPerRepo);
    const std::string branch =
        on_task ? "feature/" + task_key(repo, task) + "-work" : std::string("main");
    const std::string session = "s-" + std::to_string(author) + "-" + std::to_string(++serial_);
    int64_t ts = start_ + static_cast<int64_t>(rng_() % static_cast<uint64_t>(end_ - start_));
    const int turns = 4 + pick(14);
    for (int t = 0; t < turns; ++t) {
      const std::string turn = session + "-t" + std::to_string(t);
      const int requests = 3 + pick(10);
      std::vector<ToolUse> tools;
      const int kind = pick(100);
      const int files = kind < 60 ? 1 + pick(3) : kind < 85 ? 1 + pick(4) : 0;
      for (int f = 0; f < files; ++f) {
        ToolUse u;
        u.tool_use_id = "toolu_" + turn + "_" + std::to_string(f);
        u.name = kind < 60 ? "Edit" : "Read";
        u.path =
            "src/r" + std::to_string(repo) + "/f" + std::to_string(pick(kFilesPerRepo)) + ".cpp";
        u.action = kind < 60 ? FileAction::kChange : FileAction::kRead;
        u.result_seen = true;
        u.lines_added = kind < 60 ? 1 + pick(80) : 0;
        u.lines_removed = kind < 60 ? pick(30) : 0;
        tools.push_back(std::move(u));
      }
      for (int r = 0; r < requests; ++r) {
        proto::WireRecord w;
        // Unique like the real ones (a SHA-256 of message and request ids).
        w.record_uid = "uid-" + std::to_string(seed_) + "-" + std::to_string(++uid_);
        UsageRecord& u = w.usage;
        u.message_id = "msg_" + std::to_string(uid_);
        u.request_id = "req_" + std::to_string(uid_);
        u.timestamp_ms = ts;
        ts += 5'000 + pick(40'000);
        u.session_id = session;
        u.turn_id = turn;
        const int m = pick(10);
        u.model = kModels[m < 7 ? 0 : m < 9 ? 1 : 2];
        u.input = 1 + pick(50);
        u.output = 50 + pick(3000);
        u.cache_create_5m = pick(20000);
        u.cache_read = 10'000 + pick(140'000);
        u.cost_nanos = 1'000'000 + static_cast<int64_t>(rng_() % 400'000'000);
        u.price_version = "bench";
        u.cc_version = "2.0.0";
        u.repo = "github.com/acme/repo-" + std::to_string(repo);
        u.branch = branch;
        if (on_task) u.task_keys = task_key(repo, task);
        // The turn's tool calls ride on its requests.
        for (size_t i = static_cast<size_t>(r); i < tools.size();
             i += static_cast<size_t>(requests))
          u.tools.push_back(tools[i]);
        out.push_back(std::move(w));
      }
    }
  }

 private:
  int pick(int n) { return static_cast<int>(rng_() % static_cast<uint64_t>(n)); }
  std::mt19937_64 rng_;
  uint64_t seed_;
  int64_t start_, end_;
  int64_t serial_ = 0, uid_ = 0;
};

proto::DecodedBatch batch_of(std::vector<proto::WireRecord>&& records, const std::string& id) {
  proto::DecodedBatch b;
  b.header.tracker_version = "bench";
  b.header.device_id = "bench-device";
  b.header.batch_id = id;
  b.header.record_count = static_cast<int64_t>(records.size());
  b.records = std::move(records);
  return b;
}

std::string author_name(int a) {
  return "dev" + std::to_string(a) + "@acme.example";
}

int generate(const std::string& db, int64_t total, int authors, uint64_t seed) {
  auto store = collector::open_store(db);
  if (!store) {
    std::fprintf(stderr, "generate: %s\n", store.error().message.c_str());
    return 1;
  }
  std::vector<Generator> gens;
  for (int a = 0; a < authors; ++a)
    gens.emplace_back(seed * 1000 + static_cast<uint64_t>(a), kStart, kEnd);
  const auto t0 = Clock::now();
  int64_t written = 0, batch_no = 0;
  size_t next = 0;  // the next author to write a batch
  while (written < total) {
    // One group commit: a batch of about 1,000 records from each of up to
    // 200 authors in turn.
    std::vector<proto::DecodedBatch> batches;
    std::vector<std::string> names;
    for (int k = 0; k < std::min(authors, kAuthors) && written < total; ++k) {
      const size_t a = next++ % gens.size();
      std::vector<proto::WireRecord> recs;
      while (recs.size() < 1000)
        gens[a].session(static_cast<int>(a), recs);
      written += static_cast<int64_t>(recs.size());
      // Seed 1's names as before; another seed's batches are new batches
      // when it adds to an existing store.
      const std::string prefix = seed == 1 ? "gen-" : "gen" + std::to_string(seed) + "-";
      batches.push_back(batch_of(std::move(recs), prefix + std::to_string(++batch_no)));
      names.push_back(author_name(static_cast<int>(a)));
    }
    std::vector<collector::IngestRequest> requests;
    for (size_t i = 0; i < batches.size(); ++i)
      requests.push_back({names[i], &batches[i]});
    for (auto& r : (*store)->ingest_many(requests))
      if (!r) {
        std::fprintf(stderr, "generate: %s\n", r.error().message.c_str());
        return 1;
      }
    std::fprintf(stderr, "\r%lld records", static_cast<long long>(written));
  }
  // Tasks belong to epics (what the Jira integration fills in).
  std::vector<collector::TaskRecord> epics;
  for (int repo = 0; repo < kRepos; ++repo)
    for (int t = 0; t < kTasksPerRepo; ++t) {
      collector::TaskRecord task;
      task.key = task_key(repo, t);
      task.epic = "EPIC-" + std::to_string((repo * kTasksPerRepo + t) % kEpics + 1);
      task.issue_type = "Story";
      task.updated_ms = 1;
      epics.push_back(std::move(task));
    }
  if (auto s = (*store)->upsert_tasks(epics); !s) {
    std::fprintf(stderr, "generate: %s\n", s.error().message.c_str());
    return 1;
  }
  std::fprintf(stderr, "\n%lld records in %.1f s\n", static_cast<long long>(written),
               ms_since(t0) / 1000);
  return 0;
}

struct Bench {
  const char* name;
  std::vector<std::pair<std::string, std::string>> params;
};

// Outcomes for the outcome reports: a commit per session, by its author in
// its repository half an hour after its last request, changing one of the
// files it edited (a strong link), a third with an AI trailer, each reworking
// a few lines of the session's previous commit; a merged pull request per
// five commits of a repository.
report::OutcomeData generated_outcomes(const report::UsageCube& cube) {
  report::OutcomeData d;
  std::mt19937_64 rng(11);
  std::map<std::string, std::vector<size_t>> by_repo;
  int64_t n = 0;
  for (const report::SessionActivity& s : cube.session_activity()) {
    CommitRecord c;
    c.repo = s.repo;
    char sha[41];
    // Random first: reports key commits by their first 12 digits, as real
    // SHAs differ there (a counter first gave 65,536 commits one key, and
    // one pull request all of them).
    std::snprintf(sha, sizeof sha, "%016llx%024llx", static_cast<unsigned long long>(rng()),
                  static_cast<unsigned long long>(++n));
    c.sha = sha;
    c.author_email = c.committer_email = s.author;
    c.author_ms = c.committer_ms = s.last_ms + 1'800'000;
    c.branch = s.branch;
    c.ai_coauthor = n % 3 == 0;
    const std::string path = s.edited_files.empty() ? "README.md" : s.edited_files.front();
    c.files.push_back({path, static_cast<int64_t>(rng() % 200), static_cast<int64_t>(rng() % 50)});
    auto& list = by_repo[c.repo];
    if (!list.empty()) {
      const CommitRecord& earlier = d.commits.commits[list.back()];
      const int64_t lines = static_cast<int64_t>(rng() % 10);
      c.reworked.push_back({earlier.sha, earlier.files.front().path, lines});
      d.commits.rework_of_commits.push_back(
          {c.repo, earlier.sha, earlier.files.front().path, c.sha, c.committer_ms, lines});
    }
    list.push_back(d.commits.commits.size());
    d.commits.commits.push_back(std::move(c));
  }
  int64_t number = 0;
  for (const auto& [repo, list] : by_repo)
    for (size_t i = 0; i + 5 <= list.size(); i += 5) {
      report::PullRequestFact pr;
      pr.repo = repo;
      pr.number = ++number;
      pr.author_email = d.commits.commits[list[i]].author_email;
      pr.state = report::PullRequestFact::State::kMerged;
      pr.first_commit_ms = d.commits.commits[list[i]].author_ms;
      pr.opened_ms = pr.ready_ms = d.commits.commits[list[i + 4]].committer_ms + 600'000;
      pr.first_review_ms = pr.opened_ms + 7'200'000;
      pr.merged_ms = pr.first_review_ms + 3'600'000;
      for (size_t k = i; k < i + 5; ++k)
        pr.commit_shas.push_back(d.commits.commits[list[k]].sha);
      d.pull_requests.push_back(std::move(pr));
    }
  return d;
}

int query(const std::string& db, int rounds, int64_t ingest_rate, const std::string& only,
          bool seats) {
  auto store = collector::open_store(db);
  if (!store) {
    std::fprintf(stderr, "query: %s\n", store.error().message.c_str());
    return 1;
  }
  report::UsageCube cube;
  std::mutex mu;
  std::vector<collector::UsageChange> pending;
  const auto t0 = Clock::now();
  auto followed = (*store)->follow_usage(
      [&](const report::UsageFact& f) {
        cube.add(f);
        return true;
      },
      [&](std::vector<collector::UsageChange>&& changes) {
        std::lock_guard lock(mu);
        for (auto& c : changes)
          pending.push_back(std::move(c));
      });
  if (!followed) {
    std::fprintf(stderr, "query: %s\n", followed.error().message.c_str());
    return 1;
  }
  const auto c0 = Clock::now();
  cube.compact();
  const double compact_ms = ms_since(c0), build_ms = ms_since(t0);
  std::printf(
      "cube: %lld records, %zu groups, %zu turns, %zu MiB, built in %.0f ms (%.0f of them "
      "compacting)\n\n",
      static_cast<long long>(cube.record_count()), cube.group_count(), cube.turn_count(),
      cube.memory_bytes() >> 20, build_ms, compact_ms);
  if (seats) {  // a $200 Claude Code seat for every author, all year
    std::vector<report::SeatTerm> terms;
    for (int a = 0; a < kAuthors; ++a)
      terms.push_back({.id = a + 1,
                       .plan = "claude-max-20x",
                       .assistant = "claude-code",
                       .assignee = author_name(a),
                       .monthly_nanos = 200'000'000'000});
    cube.set_seats({std::make_shared<report::SeatCharges>(std::move(terms)), {}, {}});
    std::printf("seats: %d, one per author\n\n", kAuthors);
  }

  // Ingest going on: batches of 1,000 new records from rotating authors, in
  // the last days of the data set, paced to `ingest_rate`.
  std::atomic<bool> stop{false};
  std::atomic<int64_t> ingested{0};
  std::thread writer;
  if (ingest_rate > 0) {
    writer = std::thread([&] {
      // Batches of what a tracker sends in about half a second at this rate.
      const size_t per_batch = static_cast<size_t>(std::clamp<int64_t>(ingest_rate / 20, 50, 1000));
      Generator gen(99, kEnd - 3 * kDayMs, kEnd);
      const auto start = Clock::now();
      int64_t n = 0, batch_no = 0;
      while (!stop) {
        std::vector<proto::DecodedBatch> batches;
        std::vector<std::string> authors;
        for (int i = 0; i < 10; ++i) {
          const int author = static_cast<int>(batch_no % kAuthors);
          std::vector<proto::WireRecord> recs;
          while (recs.size() < per_batch)
            gen.session(author, recs);
          n += static_cast<int64_t>(recs.size());
          batches.push_back(batch_of(std::move(recs), "live-" + std::to_string(++batch_no)));
          authors.push_back(author_name(author));
        }
        std::vector<collector::IngestRequest> requests;
        for (size_t i = 0; i < batches.size(); ++i)
          requests.push_back({authors[i], &batches[i]});
        for (auto& r : (*store)->ingest_many(requests))
          if (!r) std::fprintf(stderr, "ingest: %s\n", r.error().message.c_str());
        ingested += n - ingested.load();
        std::this_thread::sleep_until(start +
                                      std::chrono::microseconds(n * 1'000'000 / ingest_rate));
      }
    });
  }
  auto apply = [&] {
    std::vector<collector::UsageChange> changes;
    {
      std::lock_guard lock(mu);
      changes.swap(pending);
    }
    for (const auto& c : changes) {
      if (c.before) cube.add(*c.before, -1);
      if (c.after) cube.add(*c.after);
    }
    return changes.size();
  };
  auto epics = (*store)->load_epics();
  if (!epics) return 1;

  const std::string since90 = "2026-08-03", until = "2026-10-31";
  const std::vector<Bench> benches = {
      {"5 levels, 90 days: model,repo,file,author,date",
       {{"group_by", "model,repo,file,author,date"}, {"since", since90}, {"until", until}}},
      {"5 levels, 90 days: task,repo,file,author,date",
       {{"group_by", "task,repo,file,author,date"}, {"since", since90}, {"until", until}}},
      {"6 levels, 90 days: epic,task,repo,file,author,date",
       {{"group_by", "epic,task,repo,file,author,date"}, {"since", since90}, {"until", until}}},
      {"4 levels, 90 days: date,repo,file,author, --top 10",
       {{"group_by", "date,repo,file,author"},
        {"since", since90},
        {"until", until},
        {"top", "10"}}},
      {"2 levels, year: model,repo", {{"group_by", "model,repo"}}},
      {"2 levels, year: date,model", {{"group_by", "date,model"}}},
      {"2 levels, year: author,repo", {{"group_by", "author,repo"}}},
      {"2 levels, year: epic,task", {{"group_by", "epic,task"}}},
      {"2 levels, year, by week in Asia/Kolkata: date,author",
       {{"group_by", "date,author"}, {"granularity", "week"}, {"tz", "Asia/Kolkata"}}},
  };
  // Outcome reports read their commits and pull requests through the same
  // reader the collector gives them (here, generated ones kept in memory).
  const report::OutcomeData outcomes = generated_outcomes(cube);
  std::printf("outcomes: %zu commits, %zu merged pull requests\n\n",
              outcomes.commits.commits.size(), outcomes.pull_requests.size());
  // As the stores' load_commits: the range's commits and the rework done
  // to them (facts whose original commit is in the range); every pull
  // request, as load_pull_requests.
  std::unordered_map<std::string, int64_t> committed_ms;
  for (const CommitRecord& c : outcomes.commits.commits)
    committed_ms.emplace(c.sha, c.committer_ms);
  const report::OutcomeReader read_outcomes =
      [&outcomes, &committed_ms](int64_t from, int64_t to) -> Result<report::OutcomeData> {
    report::OutcomeData d;
    for (const CommitRecord& c : outcomes.commits.commits)
      if (c.committer_ms >= from && c.committer_ms < to) d.commits.commits.push_back(c);
    for (const report::ReworkFact& r : outcomes.commits.rework_of_commits) {
      const int64_t original_ms = committed_ms.at(r.original_sha);
      if (original_ms >= from && original_ms < to) d.commits.rework_of_commits.push_back(r);
    }
    d.pull_requests = outcomes.pull_requests;
    return d;
  };
  std::vector<Bench> all = benches;
  all.push_back(
      {"outcomes, 90 days: author",
       {{"group_by", "author"}, {"since", since90}, {"until", until}, {"outcomes", "true"}}});
  all.push_back({"outcomes, 90 days: epic,task,author",
                 {{"group_by", "epic,task,author"},
                  {"since", since90},
                  {"until", until},
                  {"outcomes", "true"}}});
  all.push_back({"outcomes, 90 days: repo,pr (spend split by commit)",
                 {{"group_by", "repo,pr"}, {"since", since90}, {"until", until}}});
  std::printf(
      "| report | nodes | engine ms (min / median / max) | JSON ms (median) | JSON MiB | "
      "working memory MiB |\n");
  std::printf("|---|---:|---:|---:|---:|---:|\n");
  const auto q0 = Clock::now();
  for (const Bench& b : all) {
    if (!only.empty() && std::string(b.name).find(only) == std::string::npos) continue;
    auto request = report::parse_report_params(b.params);
    if (!request) {
      std::fprintf(stderr, "%s: %s\n", b.name, request.error().message.c_str());
      return 1;
    }
    std::vector<double> engine, render;
    size_t bytes = 0, nodes = 0;
    for (int k = 0; k < rounds; ++k) {
      (void)(*store)->sync_usage();  // what the collector does before each report
      apply();
      auto t = Clock::now();
      const report::Report r =
          report::query_cube(cube, request->query, *epics, read_outcomes).value();
      engine.push_back(ms_since(t));
      t = Clock::now();
      const std::string json = report::render_json(r);
      render.push_back(ms_since(t));
      bytes = json.size();
      nodes = 0;
      std::vector<const report::ReportNode*> stack{&r.root};
      while (!stack.empty()) {
        const auto* n = stack.back();
        stack.pop_back();
        nodes += n->children.size();
        for (const auto& child : n->children)
          stack.push_back(&child);
      }
    }
    std::sort(engine.begin(), engine.end());
    std::sort(render.begin(), render.end());
    std::printf("| %s | %zu | %.0f / %.0f / %.0f | %.0f | %.1f | %zu |\n", b.name, nodes,
                engine.front(), engine[engine.size() / 2], engine.back(), render[render.size() / 2],
                static_cast<double>(bytes) / (1 << 20), cube.scratch_bytes() >> 20);
    std::fflush(stdout);
  }
  const double query_s = ms_since(q0) / 1000;
  stop = true;
  if (writer.joinable()) writer.join();
  apply();
  if (ingest_rate > 0)
    std::printf("\ningest meanwhile: %lld records in %.1f s = %.0f records/s (offered %lld/s)\n",
                static_cast<long long>(ingested.load()), query_s,
                static_cast<double>(ingested.load()) / query_s,
                static_cast<long long>(ingest_rate));
  std::printf("cube after: %lld records, %zu MiB\n", static_cast<long long>(cube.record_count()),
              cube.memory_bytes() >> 20);
  // The process's memory: the cube, the store's reader and the last query's.
  if (FILE* f = std::fopen("/proc/self/status", "r")) {
    char line[256];
    while (std::fgets(line, sizeof line, f))
      if (std::strncmp(line, "VmHWM:", 6) == 0 || std::strncmp(line, "VmRSS:", 6) == 0)
        std::printf("%s", line);
    std::fclose(f);
  }
  (*store)->unfollow_usage();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || std::strcmp(argv[1], "--help") == 0) {
    std::printf(
        "usage: codepulse-bench-report generate --db FILE [--records N] [--authors A] [--seed S]\n"
        "       codepulse-bench-report query --db FILE [--rounds K] [--ingest-rate R]"
        " [--only TEXT] [--seats 1]\n");
    return argc < 2 ? 2 : 0;
  }
  const std::string command = argv[1];
  std::string db;
  int64_t records = 10'000'000, rate = 0;
  uint64_t seed = 1;
  int rounds = 5, authors = kAuthors;
  std::string only;
  bool seats = false;
  // A flag's number, or a clear error (exit 2).
  auto number = [](const std::string& flag, const std::string& value, int64_t min) {
    char* end = nullptr;
    errno = 0;
    const long long n = std::strtoll(value.c_str(), &end, 10);
    if (value.empty() || *end != '\0' || errno != 0 || n < min) {
      std::fprintf(stderr, "%s expects a whole number of at least %lld, got '%s'\n", flag.c_str(),
                   static_cast<long long>(min), value.c_str());
      std::exit(2);
    }
    return static_cast<int64_t>(n);
  };
  for (int i = 2; i < argc; i += 2) {
    const std::string flag = argv[i];
    if (i + 1 >= argc) {
      std::fprintf(stderr, "%s needs a value (see --help)\n", flag.c_str());
      return 2;
    }
    const std::string value = argv[i + 1];
    if (flag == "--db")
      db = value;
    else if (flag == "--records")
      records = number(flag, value, 1);
    else if (flag == "--authors")
      authors = static_cast<int>(std::min<int64_t>(number(flag, value, 1), 100'000));
    else if (flag == "--seed")
      seed = static_cast<uint64_t>(number(flag, value, 0));
    else if (flag == "--rounds")
      rounds = static_cast<int>(std::min<int64_t>(number(flag, value, 1), 1000));
    else if (flag == "--seats")
      seats = number(flag, value, 0) != 0;
    else if (flag == "--only")
      only = value;
    else if (flag == "--ingest-rate")
      rate = number(flag, value, 0);
    else {
      std::fprintf(stderr, "unknown flag %s (see --help)\n", flag.c_str());
      return 2;
    }
  }
  if (db.empty()) {
    std::fprintf(stderr, "--db FILE is needed (see --help)\n");
    return 2;
  }
  if (command == "generate") return generate(db, records, authors, seed);
  if (command == "query") return query(db, rounds, rate, only, seats);
  std::fprintf(stderr, "unknown command %s (generate or query)\n", command.c_str());
  return 2;
}
