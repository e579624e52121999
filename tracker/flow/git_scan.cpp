#include "tracker/flow/git_scan.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <unordered_map>

#include "common/record/keyed_value.hpp"
#include "common/text_controls.hpp"
#include "tracker/git/commit_identity.hpp"
#include "tracker/git/commit_log.hpp"
#include "tracker/git/repo_filter.hpp"
#include "tracker/git/rework_counter.hpp"
#include "tracker/queue/commit_store.hpp"
#include "tracker/queue/line_store.hpp"

namespace codepulse::tracker {
namespace {

constexpr int64_t kDayMs = 86'400'000;

bool is_directory(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// The strings as the store keeps and the collector takes them: paths and the
// branch as keyed hashes when configured, every control character and byte of
// invalid UTF-8 replaced by U+FFFD (the records' rule, record_builder.cpp).
void prepare_to_queue(const std::optional<std::string>& key, CommitRecord& c) {
  const auto sendable = [](std::string_view s) { return replace_control_characters(s); };
  c.branch = sendable(keyed_value(key, c.branch));
  c.author_email = sendable(c.author_email);
  c.committer_email = sendable(c.committer_email);
  c.task_keys = sendable(c.task_keys);
  for (CommitFile& f : c.files)
    f.path = sendable(keyed_value(key, f.path));
  for (ReworkedLines& r : c.reworked)
    r.path = sendable(keyed_value(key, r.path));
}

}  // namespace

GitScan::GitScan(sql::Database& db, GitScanOptions options, CancelFn cancelled)
    : db_(db),
      options_(std::move(options)),
      cancelled_(std::move(cancelled)),
      git_(options_.limits, cancelled_) {
  if (!options_.line_key.empty())
    fingerprinter_ = std::make_unique<LineFingerprinter>(options_.line_key);
}

Result<GitScanStats> GitScan::run(int64_t now_ms) {
  GitScanStats stats;
  if (!options_.enabled) return stats;
  CommitStore store(db_);
  if (fingerprinter_) {
    // Written lines older than the window can no longer be matched.
    auto gone =
        LineStore(db_).expire(now_ms - options_.line_days * kDayMs, options_.max_line_prints);
    if (!gone) return gone.error();
    stats.line_prints_expired = *gone;
  }
  auto repos = store.repos();
  if (!repos) return repos.error();
  if (repos->empty()) return stats;
  // One check that git runs at all, instead of one failure per repository.
  if (auto s = git_.run("/", {"--version"}, '\n', [](std::string_view, bool) { return Status{}; });
      !s) {
    stats.problems.push_back("git metadata not read: " + s.error().message);
    return stats;
  }
  for (const GitRepo& repo : *repos) {
    if (cancelled_ && cancelled_()) break;
    if (!repo_selected(repo.identity, repo.root, options_.include, options_.exclude)) {
      ++stats.repos_excluded;
      continue;
    }
    if (!is_directory(repo.root)) {
      ++stats.repos_failed;
      stats.problems.push_back(repo.root + " (" + repo.identity +
                               "): the repository is gone; its commits are not read");
      continue;
    }
    auto before = stats.problems.size();
    if (auto s = scan_repo(repo.root, repo.identity, now_ms, stats); !s) return s.error();
    if (stats.problems.size() > before) ++stats.repos_failed;
  }
  return stats;
}

Status GitScan::scan_repo(const std::string& root, const std::string& identity, int64_t now_ms,
                          GitScanStats& stats) {
  CommitStore store(db_);
  auto problem = [&](const std::string& what) {
    stats.problems.push_back(root + " (" + identity + "): " + what);
  };
  // The tips first: a commit made while the log runs is read now or next time.
  auto tips = read_branch_tips(git_, root);
  if (!tips) {
    problem(tips.error().message);
    return {};
  }
  auto known = store.tips(root);
  if (!known) return known.error();
  if (*tips == *known) {
    ++stats.repos;
    return {};
  }
  // Whose commits these are: known before the log is read, or it is not read
  // (the tips stay, so the commits are read once an identity is set).
  CommitIdentities mine(options_.identities);
  if (options_.repo_user_email) {
    auto email = read_repo_user_email(git_, root);
    mine.add(email ? *email : options_.global_user_email);
  }
  if (mine.empty()) {
    problem(
        "no identity to tell the tracker's commits from others': set `author` or git's "
        "user.email; its commits are not read");
    return {};
  }
  ++stats.repos;
  LogRange range;
  range.since_s = (now_ms - options_.history_days * kDayMs) / 1000;
  range.known_tips = *known;
  auto commits = read_commit_log(git_, root, range);
  if (!commits) {
    problem(commits.error().message);
    return {};
  }

  std::vector<CommitRecord> fresh;
  int64_t by_others = 0;
  const std::string repo = replace_control_characters(identity);
  for (CommitRecord& c : *commits) {
    if (cancelled_ && cancelled_()) return {};  // tips not advanced: read again next time
    if (!mine.owns(c)) {
      ++by_others;  // a teammate's: the collector takes it from their tracker only
      continue;
    }
    auto seen = store.has_commit(repo, c.sha);
    if (!seen) return seen.error();
    if (*seen) {
      ++stats.commits_known;
      continue;
    }
    c.repo = repo;
    auto reworked = count_rework(git_, root, c, options_.rework_window_days * kDayMs);
    if (reworked)
      c.reworked = std::move(reworked).value();
    else
      problem("rework of " + c.sha + " not counted: " + reworked.error().message);
    if (fingerprinter_) {
      auto scored = score_lines(root, c);
      if (!scored)
        problem("lines of " + c.sha + " not matched: " + scored.error().message);
      else if (*scored)
        ++stats.commits_scored;
    }
    prepare_to_queue(options_.hash_key, c);
    fresh.push_back(std::move(c));
  }
  auto txn = sql::Transaction::begin(db_);
  if (!txn) return txn.error();
  for (const CommitRecord& c : fresh) {
    auto added = store.add(c);
    if (!added) return added.error();
    if (*added) ++stats.commits_new;
  }
  if (auto s = store.count_by_others(by_others); !s) return s;
  if (auto s = store.set_tips(root, *tips); !s) return s;
  if (auto s = txn->commit(); !s) return s;
  stats.commits_by_others += by_others;
  return {};
}

// Each added line is an assistant's when the line store holds it, written
// before the commit: a line the assistants wrote n times matches at most n
// of the commit's added copies (docs/PROVENANCE.md, "Matching").
Result<bool> GitScan::score_lines(const std::string& root, CommitRecord& c) {
  if (!scores_commit(c, options_.line_limits)) return false;
  auto prints = read_added_lines(git_, root, c, *fingerprinter_, options_.line_limits);
  if (!prints) return prints.error();
  LineStore lines(db_);
  // Git's times are whole seconds: a write in the commit's second is before it.
  const int64_t at_ms = c.committer_ms + 999;
  std::unordered_map<int64_t, std::pair<int64_t, int64_t>> seen;  // print -> (writes, matched)
  for (CommitFile& f : c.files) {
    f.lines_added = f.ai_lines_added = 0;
    auto it = prints->find(f.path);
    if (it == prints->end()) continue;
    for (const int64_t p : it->second) {
      auto [at, fresh] = seen.try_emplace(p, 0, 0);
      if (fresh) {
        auto writes = lines.writes_before(p, at_ms);
        if (!writes) return writes.error();
        at->second.first = *writes;
      }
      ++f.lines_added;
      if (at->second.second < at->second.first) {
        ++at->second.second;
        ++f.ai_lines_added;
      }
    }
  }
  return true;
}

}  // namespace codepulse::tracker
