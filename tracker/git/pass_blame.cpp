#include "tracker/git/pass_blame.hpp"

#include <algorithm>
#include <deque>
#include <map>
#include <optional>

#include "tracker/git/blame_reader.hpp"
#include "tracker/git/patch_deltas.hpp"

namespace codepulse::tracker {
namespace {

struct Writer {
  std::string sha, path;
  int64_t committer_s = 0;
  bool old = false;  // before every window of the pass (or on blame's boundary)
};

// A file version from before the pass: where git can blame it, and its
// lines' writers once it has.
struct BaseVersion {
  std::string commit, path;
  bool read = false;
  std::vector<int64_t> writers;  // per line (1-based line i at i - 1)
};

class Replay {
 public:
  Replay(const GitRunner& git, GitDiffs& diffs, const std::string& root,
         const ReworkWindows& windows, ReworkClassifier* classify, const FileTouches* touches,
         int64_t earliest_since_s, size_t max_kept_runs)
      : git_(git),
        diffs_(diffs),
        root_(root),
        windows_(windows),
        classify_(classify),
        touches_(touches),
        earliest_since_s_(earliest_since_s),
        max_kept_runs_(max_kept_runs) {
    writers_.push_back(Writer{"", "", 0, true});  // kOld
  }

  // Replays one commit; its CommitBlame when wanted. An error: not replayed.
  Result<CommitBlame> commit(const ReplayCommit& c, bool sole_child_of_parent);
  int64_t blames() const { return blames_; }

 private:
  static constexpr int64_t kOld = 0;

  int64_t writer(const std::string& sha, const std::string& path, int64_t committer_s);
  LineRuns runs_of(const std::string& blob, const std::string& commit, const std::string& path);
  void keep(const std::string& blob, LineRuns runs);
  void forget(const std::string& blob);
  Result<std::vector<FileDelta>> deltas(const ReplayCommit& c, const std::string& parent,
                                        bool texts);
  Status read_base(BaseVersion& v);
  Status tally_removed(const ReplayCommit& c, const FileDelta& f, const LineRuns& removed,
                       ReworkTally& tally);

  const GitRunner& git_;
  GitDiffs& diffs_;
  const std::string& root_;
  ReworkWindows windows_;
  ReworkClassifier* classify_;
  const FileTouches* touches_;
  int64_t earliest_since_s_;
  size_t max_kept_runs_;
  std::vector<Writer> writers_;
  std::unordered_map<std::string, int64_t> writer_ids_;  // sha \x1f path
  std::vector<BaseVersion> bases_;
  std::unordered_map<std::string, int64_t> base_of_blob_;
  std::unordered_map<std::string, LineRuns> versions_;  // blob -> its lines' writers
  std::deque<std::string> kept_order_;
  size_t kept_runs_ = 0;
  int64_t blames_ = 0;
};

int64_t Replay::writer(const std::string& sha, const std::string& path, int64_t committer_s) {
  auto [it, fresh] =
      writer_ids_.try_emplace(sha + '\x1f' + path, static_cast<int64_t>(writers_.size()));
  if (fresh) writers_.push_back(Writer{sha, path, committer_s, false});
  return it->second;
}

// The writers of `blob`'s lines: kept, or a version from before the pass
// (at `commit`, named `path`) blamed when needed.
LineRuns Replay::runs_of(const std::string& blob, const std::string& commit,
                         const std::string& path) {
  if (blob.empty()) return {};
  if (auto it = versions_.find(blob); it != versions_.end()) return it->second;
  auto [at, fresh] = base_of_blob_.try_emplace(blob, static_cast<int64_t>(bases_.size()));
  if (fresh) bases_.push_back(BaseVersion{commit, path, false, {}});
  return unread_version(at->second);
}

void Replay::keep(const std::string& blob, LineRuns runs) {
  if (blob.empty()) return;
  auto [it, fresh] = versions_.try_emplace(blob);
  if (fresh)
    kept_order_.push_back(blob);  // a version kept again keeps its place
  else
    kept_runs_ -= it->second.size();
  kept_runs_ += runs.size();
  it->second = std::move(runs);
  while (kept_runs_ > max_kept_runs_ && !kept_order_.empty()) {
    forget(kept_order_.front());
    kept_order_.pop_front();
  }
}

void Replay::forget(const std::string& blob) {
  if (auto it = versions_.find(blob); it != versions_.end()) {
    kept_runs_ -= it->second.size();
    versions_.erase(it);
  }
}

Result<std::vector<FileDelta>> Replay::deltas(const ReplayCommit& c, const std::string& parent,
                                              bool texts) {
  PatchDeltaReader reader(texts);
  if (auto s = diffs_.diff(c.sha, parent,
                           [&](std::string_view line, bool cut) { return reader.feed(line, cut); });
      !s)
    return s.error();
  return reader.finish();
}

// One `git blame` of the whole version, reaching back to the earliest
// window of the pass: every later commit's window is inside it.
Status Replay::read_base(BaseVersion& v) {
  std::vector<std::pair<int64_t, std::string>> lines;  // (line, writing commit \x1f path)
  BlameReader reader([&lines](const std::string& sha, const std::string& path, int64_t line,
                              std::string_view,
                              bool) { lines.emplace_back(line, sha + '\x1f' + path); });
  ++blames_;
  if (auto s =
          git_.run(root_,
                   {"blame", "--porcelain", "--root",
                    "--since=@" + std::to_string(earliest_since_s_), v.commit, "--", v.path},
                   '\n', [&](std::string_view line, bool cut) { return reader.feed(line, cut); });
      !s)
    return make_error("`git blame` of " + v.path + " at " + v.commit + ": " + s.error().message);
  v.writers.assign(lines.size(), kOld);
  for (const auto& [line, key] : lines) {
    if (line < 1 || line > static_cast<int64_t>(lines.size()))
      return make_error("`git blame` of " + v.path + " at " + v.commit +
                        ": a line number out of range");
    const size_t sep = key.find('\x1f');
    const std::string sha = key.substr(0, sep), path = key.substr(sep + 1);
    const BlamedLines& b = reader.result()[sha];
    v.writers[line - 1] =
        b.boundary || b.committer_s < earliest_since_s_ ? kOld : writer(sha, path, b.committer_s);
  }
  v.read = true;
  return {};
}

// The removed lines of one file of a wanted commit, tallied per writer.
Status Replay::tally_removed(const ReplayCommit& c, const FileDelta& f, const LineRuns& removed,
                             ReworkTally& tally) {
  const int64_t cutoff_s = (c.committer_ms - windows_.rework_ms) / 1000;
  const bool fix = c.names_task && windows_.fix_ms > windows_.rework_ms;
  const int64_t since_s = fix ? (c.committer_ms - windows_.fix_ms) / 1000 : cutoff_s;
  // Per writer: lines, and the texts git gave.
  std::map<int64_t, std::pair<int64_t, std::vector<std::string>>> by_writer;
  size_t line = 0;  // index into f.removed_texts
  const auto count = [&](int64_t w) {
    auto& [n, texts] = by_writer[w];
    ++n;
    if (line < f.removed_texts.size() && f.removed_texts[line])
      texts.push_back(*f.removed_texts[line]);
    ++line;
  };
  for (const LineRun& run : removed) {
    if (run.writer >= 0) {
      for (int64_t i = 0; i < run.count; ++i)
        count(run.writer);
      continue;
    }
    BaseVersion& v = bases_[-1 - run.writer];
    // Nothing changed the file inside the window: its lost lines are older.
    if (!v.read && touches_ && !touches_->changed_since(v.path, since_s, c.sha)) {
      for (int64_t i = 0; i < run.count; ++i)
        count(kOld);
      continue;
    }
    if (!v.read)
      if (auto s = read_base(v); !s) return s;
    for (int64_t i = 0; i < run.count; ++i) {
      const int64_t at = run.first + i;
      if (at > static_cast<int64_t>(v.writers.size()))
        return make_error(v.path + " at " + v.commit + " has fewer lines than its patch removes");
      count(v.writers[at - 1]);
    }
  }
  for (auto& [w, counted] : by_writer) {
    const Writer& who = writers_[w];
    if (who.old || who.committer_s < since_s) continue;
    if (who.committer_s < cutoff_s)
      tally.add_fix_blame(who.sha, who.path, counted.first);
    else
      tally.add_rework(who.sha, who.path, counted.first, counted.second);
  }
  return {};
}

Result<CommitBlame> Replay::commit(const ReplayCommit& c, bool sole_child_of_parent) {
  const int64_t at_s = c.committer_ms / 1000;
  ReworkTally tally(classify_);
  std::vector<std::string> consumed;
  const auto fail = [&](const FileDelta& f, const std::string& why) -> Error {
    forget(f.new_blob);
    return make_error((f.new_path.empty() ? f.old_path : f.new_path) + ": " + why);
  };
  if (c.parents.size() <= 1) {
    const std::string parent = c.parents.empty() ? "" : c.parents.front();
    const bool rework = c.wanted && c.parents.size() == 1;
    auto files = deltas(c, parent, rework && classify_ != nullptr);
    if (!files) return files.error();
    for (const FileDelta& f : *files) {
      if (f.old_blob.empty() && f.new_blob.empty()) continue;  // renamed or mode changed only
      if (f.binary) {
        forget(f.new_blob);  // never blamed by line
        continue;
      }
      const LineRuns old = runs_of(f.old_blob, parent, f.old_path);
      LineRuns now, removed;
      const int64_t w = f.new_path.empty() ? kOld : writer(c.sha, f.new_path, at_s);
      if (!apply_hunks(old, f.hunks, w, now, rework ? &removed : nullptr))
        return fail(f, "the patch does not fit the lines the pass kept");
      if (rework)
        if (auto s = tally_removed(c, f, removed, tally); !s) return fail(f, s.error().message);
      if (!f.new_blob.empty()) keep(f.new_blob, std::move(now));
      if (sole_child_of_parent && f.old_blob != f.new_blob) consumed.push_back(f.old_blob);
    }
  } else {
    // A merge: the first parent's lines, then each other parent's for the
    // lines the first one lacks; the rest are the merge's own.
    std::vector<std::vector<FileDelta>> per_parent;
    for (const std::string& p : c.parents) {
      auto files = deltas(c, p, false);
      if (!files) return files.error();
      per_parent.push_back(std::move(files).value());
    }
    for (const FileDelta& f : per_parent.front()) {
      if (f.new_blob.empty() || f.binary || (f.old_blob.empty() && f.hunks.empty())) continue;
      const int64_t w = writer(c.sha, f.new_path, at_s);
      LineRuns merged;
      if (!apply_hunks(runs_of(f.old_blob, c.parents[0], f.old_path), f.hunks, w, merged, nullptr))
        return fail(f, "the patch does not fit the lines the pass kept");
      for (size_t k = 1; k < c.parents.size(); ++k) {
        const auto& other = per_parent[k];
        auto same = std::find_if(other.begin(), other.end(), [&](const FileDelta& g) {
          return g.new_path == f.new_path && g.new_blob == f.new_blob;
        });
        LineRuns theirs;
        if (same == other.end()) {
          theirs = runs_of(f.new_blob, c.parents[k], f.new_path);  // unchanged from that parent
        } else if (same->binary ||
                   !apply_hunks(runs_of(same->old_blob, c.parents[k], same->old_path), same->hunks,
                                w, theirs, nullptr)) {
          return fail(f, "the patch does not fit the lines the pass kept");
        }
        merged = overlay(merged, theirs, w);
      }
      keep(f.new_blob, std::move(merged));
    }
  }
  for (const std::string& blob : consumed)
    forget(blob);
  return tally.finish();
}

}  // namespace

std::vector<size_t> parents_first(const std::vector<ReplayCommit>& log) {
  std::unordered_map<std::string, size_t> index;
  for (size_t i = 0; i < log.size(); ++i)
    index.emplace(log[i].sha, i);
  // A depth-first walk from the oldest of the log.
  std::vector<size_t> order;
  std::vector<char> state(log.size(), 0);  // 0 new, 1 open, 2 done
  for (size_t start = log.size(); start-- > 0;) {
    if (state[start]) continue;
    std::vector<std::pair<size_t, size_t>> stack{{start, 0}};
    state[start] = 1;
    while (!stack.empty()) {
      auto& [at, next] = stack.back();
      const auto& parents = log[at].parents;
      if (next < parents.size()) {
        auto it = index.find(parents[next++]);
        if (it != index.end() && state[it->second] == 0) {
          state[it->second] = 1;
          stack.emplace_back(it->second, 0);
        }
        continue;
      }
      state[at] = 2;
      order.push_back(at);
      stack.pop_back();
    }
  }
  return order;
}

std::unordered_map<std::string, int> children_in(const std::vector<ReplayCommit>& log) {
  std::unordered_map<std::string, int> out;
  for (const ReplayCommit& c : log)
    out.try_emplace(c.sha, 0);
  for (const ReplayCommit& c : log)
    for (const std::string& p : c.parents)
      if (auto it = out.find(p); it != out.end()) ++it->second;
  return out;
}

std::vector<std::string> replay_diff_options() {
  std::vector<std::string> options = zero_context_patch_options();
  options.insert(options.end(), {"--root", "--full-index"});
  return options;
}

Result<PassBlameResult> replay_rework(const GitRunner& git, GitDiffs& diffs,
                                      const std::string& repo_root,
                                      const std::vector<ReplayCommit>& log,
                                      const ReworkWindows& windows, ReworkClassifier* classify,
                                      const FileTouches* touches, size_t max_kept_runs) {
  PassBlameResult out;
  int64_t earliest_since_s = INT64_MAX;
  for (const ReplayCommit& c : log) {
    if (c.wanted) {
      const int64_t reach = std::max(windows.rework_ms, c.names_task ? windows.fix_ms : 0);
      earliest_since_s = std::min(earliest_since_s, (c.committer_ms - reach) / 1000);
    }
  }
  const auto children = children_in(log);
  Replay replay(git, diffs, repo_root, windows, classify, touches,
                earliest_since_s == INT64_MAX ? 0 : earliest_since_s, max_kept_runs);
  for (const size_t i : parents_first(log)) {
    const ReplayCommit& c = log[i];
    // Its parent's versions are needed by no other commit of the log.
    const auto parent = c.parents.size() == 1 ? children.find(c.parents.front()) : children.end();
    const bool sole = parent != children.end() && parent->second == 1;
    auto blamed = replay.commit(c, sole);
    if (!blamed) {
      if (c.wanted) out.failed.emplace_back(c.sha, blamed.error().message);
      continue;
    }
    if (c.wanted) out.blamed.emplace(c.sha, std::move(blamed).value());
  }
  out.blames = replay.blames();
  return out;
}

}  // namespace codepulse::tracker
