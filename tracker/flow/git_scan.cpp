#include "tracker/flow/git_scan.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <map>
#include <unordered_map>
#include <unordered_set>

#include "common/record/keyed_value.hpp"
#include "common/text_controls.hpp"
#include "tracker/git/commit_identity.hpp"
#include "tracker/git/commit_log.hpp"
#include "tracker/git/file_survival.hpp"
#include "tracker/git/git_objects.hpp"
#include "tracker/git/pass_blame.hpp"
#include "tracker/git/repo_filter.hpp"
#include "tracker/git/rework_counter.hpp"
#include "tracker/git/tree_windows.hpp"
#include "tracker/queue/commit_store.hpp"
#include "tracker/queue/line_store.hpp"

namespace codepulse::tracker {
namespace {

constexpr int64_t kDayMs = 86'400'000;

void set_block_counts(const std::map<std::string, BlockCounts>& dup, CommitRecord& c) {
  for (CommitFile& f : c.files)
    if (auto it = dup.find(f.path); it != dup.end()) {
      f.ai_blocks = it->second.ai_blocks;
      f.ai_blocks_repeated = it->second.ai_repeated;
      f.other_blocks = it->second.other_blocks;
      f.other_blocks_repeated = it->second.other_repeated;
    }
}

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
  for (ReworkedLines& r : c.fix_blame)
    r.path = sendable(keyed_value(key, r.path));
}

// Line-level rework (docs/PROVENANCE.md): a reworked line is the assistants'
// when the original commit's file holds its fingerprint among the lines the
// assistants wrote; each such fingerprint is taken once. The original commit
// is known when the tracker scored it: in this pass, or before (the survival
// table keeps its fingerprints past the rework window).
class AiLineClassifier final : public ReworkClassifier {
 public:
  AiLineClassifier(sql::Database& db, LineFingerprinter& fp, std::string repo,
                   const std::vector<std::vector<SurvivalFile>>& fresh)
      : db_(db), fp_(fp), repo_(std::move(repo)), fresh_(fresh) {}

  std::optional<bool> is_ai(const std::string& sha, const std::string& path,
                            std::string_view text) override {
    const std::string key = sha + '\x1f' + path;
    auto it = left_.find(key);
    if (it == left_.end()) it = left_.emplace(key, ai_prints_of(sha, path)).first;
    if (!it->second) return std::nullopt;
    const std::optional<int64_t> p = fp_.fingerprint(text);
    if (!p) return false;  // a trivial line is never the assistants'
    auto at = it->second->find(*p);
    if (at == it->second->end() || at->second == 0) return false;
    --at->second;
    return true;
  }

 private:
  std::optional<PrintCounts> ai_prints_of(const std::string& sha, const std::string& path) {
    auto counted = [](const std::vector<int64_t>& prints) {
      PrintCounts out;
      for (const int64_t p : prints)
        ++out[p];
      return out;
    };
    for (const auto& files : fresh_)
      for (const SurvivalFile& f : files)
        if (f.sha == sha && f.path == path) return counted(f.ai_prints);
    auto stored = LineSurvival(db_).of_commit(repo_, sha, path);
    if (!stored || stored->empty()) return std::nullopt;  // not scored, or a store error
    return counted(stored->front().ai_prints);
  }

  sql::Database& db_;
  LineFingerprinter& fp_;
  std::string repo_;
  const std::vector<std::vector<SurvivalFile>>& fresh_;
  std::unordered_map<std::string, std::optional<PrintCounts>> left_;
};

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
    // A file whose marks could not be measured in time (its repository
    // gone, no default branch) is dropped a month after its last mark.
    auto dropped = LineSurvival(db_).expire(now_ms - 120 * kDayMs);
    if (!dropped) return dropped.error();
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
  if (fingerprinter_ && !(cancelled_ && cancelled_()))
    if (auto s = measure_survival(now_ms, stats); !s) return s.error();
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
  std::vector<std::vector<SurvivalFile>> fresh_survival;  // parallel to fresh
  // Each commit's diffs and blobs through three git children for the pass.
  GitObjects objects(git_, root);
  GitDiffs added_diffs(git_, root, added_line_diff_options());
  GitDiffs removed_diffs(git_, root, removed_range_diff_options());
  int64_t by_others = 0;
  const std::string repo = replace_control_characters(identity);
  const bool by_tree_windows =
      fingerprinter_ && commits->size() >= options_.duplication_limits.tree_windows_from;
  std::unordered_set<uint64_t> wanted_windows;
  // Blocks counted after the loop, by index into `log`: the commit's index into `fresh`, its files.
  std::unordered_map<size_t, std::pair<size_t, std::map<std::string, AddedFileLines>>>
      pending_blocks;
  // Every commit of the log, anyone's, for the replay of blame (pass_blame.hpp).
  std::vector<ReplayCommit> log;
  log.reserve(commits->size());
  for (CommitRecord& c : *commits) {
    if (cancelled_ && cancelled_()) return {};  // tips not advanced: read again next time
    log.push_back(ReplayCommit{c.sha, c.parents, c.committer_ms, !c.task_keys.empty(), false});
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
    std::vector<SurvivalFile> survival;
    if (fingerprinter_) {
      std::map<std::string, AddedFileLines> blocks;
      auto scored = score_lines(added_diffs, root, c, survival, blocks);
      if (!scored)
        problem("lines of " + c.sha + " not matched: " + scored.error().message);
      else if (*scored)
        ++stats.commits_scored;
      if (scored && *scored && by_tree_windows) {
        // Counted after the loop, for every commit at once; the texts are not needed.
        if (add_block_windows(blocks, options_.duplication_limits, wanted_windows)) {
          for (auto& [path, lines] : blocks)
            lines.texts.clear();
          pending_blocks.try_emplace(log.size() - 1, fresh.size(), std::move(blocks));
        }
      } else if (scored && *scored) {
        auto dup = count_duplicate_blocks(git_, objects, root, c.sha, blocks, *fingerprinter_,
                                          options_.duplication_limits);
        if (!dup)
          problem("duplication of " + c.sha + " not counted: " + dup.error().message);
        else
          set_block_counts(*dup, c);
      }
    }
    log.back().wanted = true;
    fresh.push_back(std::move(c));
    fresh_survival.push_back(std::move(survival));
  }
  if (!pending_blocks.empty()) {
    TreeWindows trees(git_, objects, root, *fingerprinter_, std::move(wanted_windows));
    auto walked = trees.walk(log, [&](size_t at, const WindowCounts& counts) {
      auto pending = pending_blocks.find(at);
      if (pending == pending_blocks.end()) return;
      const auto& [fresh_index, files] = pending->second;
      set_block_counts(count_blocks_in_tree(files, options_.duplication_limits, counts),
                       fresh[fresh_index]);
      pending_blocks.erase(pending);
    });
    if (!walked)
      problem("duplication of " + std::to_string(pending_blocks.size()) +
              " commits not counted: " + walked.error().message);
  }
  // Rework after scoring: a commit reworking lines of an older one read in
  // this pass finds that one's fingerprints.
  std::optional<AiLineClassifier> classifier;
  if (fingerprinter_) classifier.emplace(db_, *fingerprinter_, repo, fresh_survival);
  ReworkWindows windows;
  windows.rework_ms = options_.rework_window_days * kDayMs;
  windows.fix_ms = options_.fix_blame_days * kDayMs;
  // One log of what changed inside the windows, so that a file nothing
  // changed in them is not blamed (without it, every file is).
  std::optional<FileTouches> touches;
  if (!fresh.empty()) {
    int64_t oldest_ms = fresh.front().committer_ms;
    for (const CommitRecord& c : fresh)
      oldest_ms = std::min(oldest_ms, c.committer_ms);
    if (auto t = FileTouches::read(
            git_, root, (oldest_ms - std::max(windows.rework_ms, windows.fix_ms)) / 1000))
      touches = std::move(t).value();
  }
  // The whole log replayed once; a commit the replay could not place is
  // blamed by git file by file, as before.
  PassBlameResult replayed;
  if (!fresh.empty()) {
    GitDiffs replay_diffs(git_, root, replay_diff_options());
    auto r = replay_rework(git_, replay_diffs, root, log, windows,
                           classifier ? &*classifier : nullptr, touches ? &*touches : nullptr);
    if (!r) return {};  // cancelled: tips not advanced, read again next time
    replayed = std::move(r).value();
  }
  for (CommitRecord& c : fresh) {
    if (cancelled_ && cancelled_()) return {};
    auto it = replayed.blamed.find(c.sha);
    auto blamed = it != replayed.blamed.end() ? Result<CommitBlame>(std::move(it->second))
                                              : count_rework(git_, removed_diffs, root, c, windows,
                                                             classifier ? &*classifier : nullptr,
                                                             touches ? &*touches : nullptr);
    if (blamed) {
      c.reworked = std::move(blamed->reworked);
      c.fix_blame = std::move(blamed->fix_blame);
    } else {
      problem("rework of " + c.sha + " not counted: " + blamed.error().message);
    }
    prepare_to_queue(options_.hash_key, c);
  }
  auto txn = sql::Transaction::begin(db_);
  if (!txn) return txn.error();
  LineSurvival survival(db_);
  for (size_t i = 0; i < fresh.size(); ++i) {
    auto added = store.add(fresh[i]);
    if (!added) return added.error();
    if (!*added) continue;
    ++stats.commits_new;
    for (const SurvivalFile& f : fresh_survival[i])
      if (auto s = survival.add(f); !s) return s;
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
Result<bool> GitScan::score_lines(GitDiffs& diffs, const std::string& root, CommitRecord& c,
                                  std::vector<SurvivalFile>& survival,
                                  std::map<std::string, AddedFileLines>& blocks) {
  if (!scores_commit(c, options_.line_limits)) return false;
  AddedLineDetail detail;
  auto prints = read_added_lines(diffs, c, *fingerprinter_, options_.line_limits, &detail);
  if (!prints) return prints.error();
  LineStore lines(db_);
  // Git's times are whole seconds: a write in the commit's second is before it.
  const int64_t at_ms = c.committer_ms + 999;
  std::unordered_map<int64_t, std::pair<int64_t, int64_t>> seen;  // print -> (writes, matched)
  for (size_t idx = 0; idx < c.files.size(); ++idx) {
    CommitFile& f = c.files[idx];
    f.lines_added = f.ai_lines_added = 0;
    auto it = prints->find(f.path);
    if (it == prints->end()) continue;
    SurvivalFile& kept = survival.emplace_back();
    kept.repo = c.repo;
    kept.sha = c.sha;
    kept.idx = static_cast<int64_t>(idx);
    kept.root = root;
    kept.path = f.path;
    kept.committed_ms = c.committer_ms;
    AddedFileLines& file_lines = blocks[f.path];
    file_lines.prints = it->second;
    file_lines.texts = std::move(detail.texts[f.path]);
    file_lines.hunk_starts = std::move(detail.hunk_starts[f.path]);
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
        kept.ai_prints.push_back(p);
        file_lines.ai.push_back(true);
      } else {
        kept.other_prints.push_back(p);
        file_lines.ai.push_back(false);
      }
    }
    if (f.lines_added == 0) survival.pop_back();
  }
  return true;
}

// Each due mark of a file: the default branch as it stood at the mark, the
// file there (followed through a rename), and the commit's lines it still
// holds by content (docs/PROVENANCE.md, "Survival"). One file's failure is a
// problem naming it; the mark is tried again next pass.
Status GitScan::measure_survival(int64_t now_ms, GitScanStats& stats) {
  LineSurvival survival(db_);
  const auto limit = static_cast<size_t>(std::max<int64_t>(1, options_.max_survival_files));
  auto due = survival.due(now_ms, limit + 1);
  if (!due) return due.error();
  if (due->size() > limit) {
    stats.survival_pending = 1;  // at least one left for the next pass
    due->resize(limit);
  }
  struct RootState {
    bool usable = false;
    FirstParentChain chain;
    std::string cached_blob;
    PrintCounts cached_prints;
  };
  std::map<std::string, RootState> roots;
  std::map<std::string, GitObjects> objects;  // per repository
  CommitStore store(db_);
  for (SurvivalFile& f : *due) {
    if (cancelled_ && cancelled_()) return {};
    if (!repo_selected(f.repo, f.root, options_.include, options_.exclude)) continue;
    auto [at, fresh] = roots.try_emplace(f.root);
    RootState& r = at->second;
    if (fresh) {
      if (!is_directory(f.root)) continue;  // gone: expired after the last mark
      auto name = default_branch(git_, f.root);
      if (!name || name->empty()) {
        stats.problems.push_back(
            f.root + " (" + f.repo + "): survival not measured: " +
            (name ? "no default branch (main, master or origin/HEAD's)" : name.error().message));
        continue;
      }
      // Back to the oldest commit due in this pass (the list is oldest first).
      auto chain = read_first_parent_chain(git_, f.root, "refs/heads/" + *name,
                                           f.committed_ms / 1000 - 86'400);
      if (!chain) {
        stats.problems.push_back(f.root + " (" + f.repo +
                                 "): survival not measured: " + chain.error().message);
        continue;
      }
      r.chain = std::move(chain).value();
      r.usable = true;
    }
    if (!r.usable) continue;
    int marks = f.marks;
    auto txn = sql::Transaction::begin(db_);
    if (!txn) return txn.error();
    bool failed = false;
    for (const int days : kSurvivalMarks) {
      const int64_t mark_ms = f.committed_ms + days * kDayMs;
      if ((marks & mark_bit(days)) != 0 || mark_ms > now_ms) continue;
      AliveLines alive;
      const std::string rev = commit_at(r.chain, mark_ms / 1000);
      if (!rev.empty()) {
        GitObjects& repo_objects = objects.try_emplace(f.root, git_, f.root).first->second;
        auto blob = blob_at(git_, repo_objects, f.root, f.sha, rev, f.path);
        if (!blob) {
          stats.problems.push_back(f.root + " (" + f.repo + "): survival of " + f.sha + " " +
                                   f.path + " not measured: " + blob.error().message);
          failed = true;
          break;
        }
        if (*blob) {
          if (**blob != r.cached_blob) {
            r.cached_blob.clear();
            if (auto s = blob_prints(repo_objects, **blob, *fingerprinter_, r.cached_prints); !s) {
              stats.problems.push_back(f.root + " (" + f.repo + "): survival of " + f.sha + " " +
                                       f.path + " not measured: " + s.error().message);
              failed = true;
              break;
            }
            r.cached_blob = **blob;
          }
          alive = count_alive(f.ai_prints, f.other_prints, r.cached_prints);
        }
      }
      auto set = store.set_survival(f.repo, f.sha, static_cast<size_t>(f.idx), days, alive.lines,
                                    alive.ai);
      if (!set) return set.error();
      marks |= mark_bit(days);
      ++stats.survival_measured;
    }
    if (failed) continue;  // the transaction rolls back: measured again next pass
    if (auto s = survival.set_measured(f.repo, f.sha, f.idx, marks); !s) return s;
    if (auto s = txn->commit(); !s) return s;
  }
  return {};
}

}  // namespace codepulse::tracker
