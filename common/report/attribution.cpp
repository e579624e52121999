// The attribution rules (docs/ATTRIBUTION.md): tasks and epics of a record,
// the files of a turn, exact integer shares over tasks, files and commits,
// and the pull request of a commit.
#include "common/report/attribution.hpp"

#include <algorithm>
#include <iterator>
#include <optional>
#include <string_view>
#include <unordered_set>

#include "common/report/usage_cube.hpp"

namespace codepulse::report {

std::vector<std::string> attributed_tasks(std::string_view task_keys) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < task_keys.size()) {
    size_t comma = task_keys.find(',', pos);
    if (comma == std::string_view::npos) comma = task_keys.size();
    const std::string_view key = task_keys.substr(pos, comma - pos);
    if (!key.empty() && std::find(out.begin(), out.end(), key) == out.end()) out.emplace_back(key);
    pos = comma + 1;
  }
  if (out.empty()) out.emplace_back(kNoTask);
  return out;
}

std::string_view epic_of(const EpicMap& epics, const std::string& task) {
  auto it = epics.find(task);
  return it != epics.end() ? std::string_view(it->second) : std::string_view(kNoEpic);
}

void apportion(int64_t total, const int64_t* weights, size_t n, int64_t* out,
               std::vector<std::pair<Wide, size_t>>& scratch) {
  Wide sum = 0;
  for (size_t i = 0; i < n; ++i)
    sum += weights ? weights[i] : 0;
  if (sum <= 0) {
    const auto count = static_cast<int64_t>(n);
    int64_t q = total / count, r = total % count;
    if (r < 0) {  // a negative total (never from a store, but exact anyway)
      q -= 1;
      r += count;
    }
    for (size_t i = 0; i < n; ++i)
      out[i] = q + (static_cast<int64_t>(i) < r ? 1 : 0);
    return;
  }
  scratch.clear();
  int64_t given = 0;
  for (size_t i = 0; i < n; ++i) {
    const Wide p = static_cast<Wide>(total) * weights[i];
    Wide share = p / sum, rem = p % sum;
    if (rem < 0) {
      share -= 1;
      rem += sum;
    }
    out[i] = static_cast<int64_t>(share);
    given += out[i];
    scratch.emplace_back(rem, i);
  }
  // Largest remainder first, earlier entry on ties (no allocation, unlike
  // std::stable_sort).
  std::sort(scratch.begin(), scratch.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  });
  for (size_t k = 0; given < total && k < n; ++k, ++given)
    ++out[scratch[k].second];
}

FileEffect file_effect(const ToolUse& tool) {
  constexpr int64_t kMaxLines = 1'000'000'000;  // per tool call, as trackers report them
  FileEffect e;
  if (tool.path.empty() || !tool.action) return e;
  if (*tool.action == FileAction::kChange) {
    e.changes = 1;
    e.lines = std::clamp<int64_t>(tool.lines_added, 0, kMaxLines) +
              std::clamp<int64_t>(tool.lines_removed, 0, kMaxLines);
    e.unknown = tool.result_seen ? 0 : 1;
  } else {
    e.reads = 1;
  }
  return e;
}

size_t attributed_files(const std::vector<TurnFile>& files, uint32_t no_file,
                        const Dictionary& paths, std::vector<uint32_t>& ids,
                        std::vector<int64_t>& weights) {
  const size_t begin = ids.size();
  bool unknown = false;
  for (const auto& f : files)
    if (f.changes > 0) {
      ids.push_back(f.file);
      weights.push_back(std::clamp<int64_t>(f.lines, 0, kMaxWeight));
      unknown = unknown || f.unknown > 0;
    }
  if (ids.size() == begin) {
    for (const auto& f : files)
      if (f.reads > 0) {
        ids.push_back(f.file);
        weights.push_back(0);
      }
  }
  if (ids.size() == begin) {
    ids.push_back(no_file);
    weights.push_back(0);
  }
  const size_t n = ids.size() - begin;
  if (unknown) std::fill(weights.begin() + static_cast<std::ptrdiff_t>(begin), weights.end(), 0);
  if (n > 1) {
    std::vector<std::pair<uint32_t, int64_t>> sorted;
    for (size_t i = begin; i < ids.size(); ++i)
      sorted.emplace_back(ids[i], weights[i]);
    std::sort(sorted.begin(), sorted.end(), [&paths](const auto& a, const auto& b) {
      return paths.name(a.first) < paths.name(b.first);
    });
    for (size_t i = 0; i < n; ++i) {
      ids[begin + i] = sorted[i].first;
      weights[begin + i] = sorted[i].second;
    }
  }
  return n;
}

void split_shares(const int64_t (&totals)[kShareSums], const uint32_t* tasks, size_t task_count,
                  const uint32_t* files, const int64_t* weights, size_t file_count,
                  SplitScratch& scratch, std::vector<Share>& shares) {
  shares.resize(task_count * file_count);
  if (task_count * file_count == 1) {
    Share& s = shares[0];
    std::copy(std::begin(totals), std::end(totals), std::begin(s.m));
    s.task = tasks ? tasks[0] : 0;
    s.file = files ? files[0] : 0;
    return;
  }
  scratch.by_task.resize(task_count);
  scratch.by_file.resize(file_count);
  for (int m = 0; m < kShareSums; ++m) {
    if (task_count == 1)
      scratch.by_task[0] = totals[m];
    else
      apportion(totals[m], nullptr, task_count, scratch.by_task.data(), scratch.remainders);
    for (size_t t = 0; t < task_count; ++t) {
      if (file_count == 1)
        scratch.by_file[0] = scratch.by_task[t];
      else
        apportion(scratch.by_task[t], weights, file_count, scratch.by_file.data(),
                  scratch.remainders);
      for (size_t f = 0; f < file_count; ++f)
        shares[t * file_count + f].m[m] = scratch.by_file[f];
    }
  }
  for (size_t t = 0; t < task_count; ++t)
    for (size_t f = 0; f < file_count; ++f) {
      shares[t * file_count + f].task = tasks ? tasks[t] : 0;
      shares[t * file_count + f].file = files ? files[f] : 0;
    }
}

void split_over_commits(const std::vector<uint32_t>& commits, SplitScratch& scratch,
                        std::vector<Share>& shares) {
  const size_t n = commits.size();
  if (n == 1) {
    for (Share& s : shares)
      s.commit = commits[0];
    return;
  }
  scratch.before_commits.swap(shares);
  shares.resize(scratch.before_commits.size() * n);
  scratch.by_commit.resize(n);
  for (size_t i = 0; i < scratch.before_commits.size(); ++i) {
    const Share& whole = scratch.before_commits[i];
    for (size_t c = 0; c < n; ++c) {
      Share& part = shares[i * n + c];
      part.task = whole.task;
      part.file = whole.file;
      part.commit = commits[c];
    }
    for (int m = 0; m < kShareSums; ++m) {
      apportion(whole.m[m], nullptr, n, scratch.by_commit.data(), scratch.remainders);
      for (size_t c = 0; c < n; ++c)
        shares[i * n + c].m[m] = scratch.by_commit[c];
    }
  }
}

std::string pr_key(const PullRequestFact& pr) {
  return pr.repo + "#" + std::to_string(pr.number);
}

std::string commit_key(const std::string& sha) {
  return sha.substr(0, 12);
}

// A tracker names a commit after one branch that holds it (the default
// branch for its own history), so a branch name is weaker evidence than
// commits a push named, where there are any.
std::unordered_map<std::string, size_t> commit_prs(const std::vector<CommitRecord>& commits,
                                                   const std::vector<PullRequestFact>& prs) {
  std::unordered_map<std::string, size_t> out;  // full sha -> pr index
  // The 12-digit keys of the commits asked about, and for each the first
  // pull request that names it (every pull request is read: a report's
  // commits are a few of them). Views into `commits` and `prs`.
  const auto key_of = [](const std::string& sha) { return std::string_view(sha).substr(0, 12); };
  std::unordered_set<std::string_view> wanted;
  wanted.reserve(commits.size());
  for (const CommitRecord& c : commits)
    wanted.insert(key_of(c.sha));
  std::unordered_map<std::string_view, size_t> named;
  std::vector<bool> pushed(prs.size(), false);  // a push named commits of it
  const auto name = [&](const std::string& sha, size_t p) {
    const std::string_view key = key_of(sha);
    if (wanted.count(key)) named.emplace(key, p);  // the first to name it stays
  };
  for (size_t p = 0; p < prs.size(); ++p) {
    for (const std::string& sha : prs[p].commit_shas) {
      name(sha, p);
      if (sha != prs[p].head_sha && sha != prs[p].merge_sha) pushed[p] = true;
    }
    for (const std::string* sha : {&prs[p].merge_sha, &prs[p].head_sha})
      if (!sha->empty()) name(*sha, p);
  }
  // The pull requests a commit's branch may name, by repository and head
  // branch, in their order (those a push named commits of take no others).
  const auto branch_key = [](const std::string& repo, const std::string& branch) {
    return repo + '\x1f' + branch;
  };
  std::unordered_map<std::string, std::vector<size_t>> by_branch;
  for (size_t p = 0; p < prs.size(); ++p)
    if (!prs[p].head_branch.empty() && !pushed[p])
      by_branch[branch_key(prs[p].repo, prs[p].head_branch)].push_back(p);
  for (const CommitRecord& c : commits) {
    auto it = named.find(key_of(c.sha));
    if (it != named.end()) {
      out.emplace(c.sha, it->second);
      continue;
    }
    const auto candidates = by_branch.find(branch_key(c.repo, c.branch));
    if (candidates == by_branch.end()) continue;
    std::optional<size_t> best;
    int64_t best_end = INT64_MAX;
    for (const size_t p : candidates->second) {
      const PullRequestFact& pr = prs[p];
      if (pr.repo != c.repo || pr.head_branch != c.branch) continue;  // a key with \x1f in it
      const int64_t end = pr.merged_ms > 0   ? pr.merged_ms
                          : pr.closed_ms > 0 ? pr.closed_ms
                                             : INT64_MAX;
      if (c.committer_ms <= end && end <= best_end) {
        best = p;
        best_end = end;
      }
    }
    if (best) out.emplace(c.sha, *best);
  }
  return out;
}

CommitAttribution attribute_commits(const std::vector<SessionActivity>& sessions,
                                    const std::vector<CommitRecord>& commits,
                                    const std::vector<SessionCommitLink>& links,
                                    const std::vector<PullRequestFact>& prs,
                                    const std::unordered_map<std::string, size_t>& pr_of) {
  CommitAttribution attribution;
  for (const SessionCommitLink& l : links)
    attribution.session_commits[sessions[l.session].session].push_back(
        commit_key(commits[l.commit].sha));
  for (const auto& [sha, p] : pr_of)
    attribution.commit_pr[commit_key(sha)] = pr_key(prs[p]);
  return attribution;
}

}  // namespace codepulse::report
