// Outcomes into a report (docs/METRICS.md): sessions are linked to commits,
// commits to pull requests; the cube splits spend over the links, and each
// commit and pull request adds its outcomes to every node its dimension
// values lead to, once per node.
#include "common/report/outcome_report.hpp"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "common/ascii.hpp"

namespace codepulse::report {
namespace {

constexpr const char* kNoSession = "(no session)";
constexpr const char* kNoTask = "(no task)";
constexpr const char* kNoEpic = "(no epic)";
constexpr const char* kNoFile = "(no file)";
constexpr const char* kNoBranch = "(no branch)";
constexpr const char* kUnknown = "(unknown)";
constexpr const char* kOthers = "(others)";

using Values = std::vector<std::string>;

void add_unique(Values& v, const std::string& s) {
  if (std::find(v.begin(), v.end(), s) == v.end()) v.push_back(s);
}

Values split_keys(const std::string& csv) {
  Values out;
  size_t pos = 0;
  while (pos < csv.size()) {
    size_t comma = csv.find(',', pos);
    if (comma == std::string::npos) comma = csv.size();
    if (comma > pos) add_unique(out, csv.substr(pos, comma - pos));
    pos = comma + 1;
  }
  return out;
}

Values or_default(Values v, const char* none) {
  if (v.empty()) v.emplace_back(none);
  return v;
}

// The outcome tree: nodes found by (parent, value), each with its outcomes.
class OutcomeTree {
 public:
  OutcomeTree() : nodes_(1) {}
  struct Node {
    std::string key;
    Outcomes outcomes;
    std::vector<size_t> children;
  };
  size_t child(size_t parent, const std::string& key) {
    auto [it, added] = index_.try_emplace({parent, key}, nodes_.size());
    if (added) {
      nodes_.push_back({key, {}, {}});
      nodes_[parent].children.push_back(it->second);
    }
    return it->second;
  }
  Node& at(size_t i) { return nodes_[i]; }
  const Node& at(size_t i) const { return nodes_[i]; }

 private:
  struct KeyHash {
    size_t operator()(const std::pair<size_t, std::string>& k) const {
      return std::hash<std::string>()(k.second) ^ (k.first * 0x9e3779b97f4a7c15ULL);
    }
  };
  std::vector<Node> nodes_;
  std::unordered_map<std::pair<size_t, std::string>, size_t, KeyHash> index_;
};

// A fact's values for every dimension; `add` is told, per node, the file
// value on its path (nullptr above the file level).
using AddFn = std::function<void(Outcomes&, const std::string* file)>;

class Overlay {
 public:
  explicit Overlay(const ReportQuery& q) : q_(q) {}

  // Adds a fact whose values for dimension d are values[d]: filters first
  // (a filtered dimension must have an allowed value), then every path.
  void add(std::vector<Values> values, const AddFn& fn) {
    for (const Filter& f : q_.where) {
      Values& v = values[static_cast<size_t>(f.dimension)];
      if (std::find(v.begin(), v.end(), f.value) == v.end()) return;
    }
    // A filtered dimension on the path keeps only its allowed values.
    for (Dimension d : q_.group_by) {
      Values& v = values[static_cast<size_t>(d)];
      bool filtered = false;
      Values kept;
      for (const Filter& f : q_.where)
        if (f.dimension == d) {
          filtered = true;
          if (std::find(v.begin(), v.end(), f.value) != v.end()) add_unique(kept, f.value);
        }
      if (filtered) v = std::move(kept);
    }
    fn(tree_.at(0).outcomes, nullptr);
    descend(0, 0, values, nullptr, fn);
  }

  OutcomeTree& tree() { return tree_; }

 private:
  void descend(size_t node, size_t level, const std::vector<Values>& values,
               const std::string* file, const AddFn& fn) {
    if (level == q_.group_by.size()) return;
    const Dimension d = q_.group_by[level];
    for (const std::string& v : values[static_cast<size_t>(d)]) {
      const size_t c = tree_.child(node, v);
      const std::string* f = d == Dimension::kFile ? &v : file;
      fn(tree_.at(c).outcomes, f);
      descend(c, level + 1, values, f, fn);
    }
  }

  const ReportQuery& q_;
  OutcomeTree tree_;
};

void merge_outcomes(Outcomes& into, const Outcomes& from) {
  into.commits += from.commits;
  into.ai_commits += from.ai_commits;
  into.lines_added += from.lines_added;
  into.lines_removed += from.lines_removed;
  into.reworked_lines += from.reworked_lines;
  into.ai_lines_added += from.ai_lines_added;
  into.ai_reworked_lines += from.ai_reworked_lines;
  into.refactoring_lines += from.refactoring_lines;
  into.prs += from.prs;
  into.merged_prs += from.merged_prs;
  for (auto [to, src] :
       {std::pair{&into.cycle_ms, &from.cycle_ms}, std::pair{&into.coding_ms, &from.coding_ms},
        std::pair{&into.pickup_ms, &from.pickup_ms}, std::pair{&into.review_ms, &from.review_ms}})
    to->insert(to->end(), src->begin(), src->end());
}

// The outcome tree into the report tree: matching keys meet, the others are
// new nodes without spend.
void graft(ReportNode& node, const OutcomeTree& tree, size_t o) {
  node.metrics.outcomes = tree.at(o).outcomes;
  // Every lookup before any child is added: adding may move the children.
  std::unordered_map<std::string, size_t> by_key;
  size_t i = 0;
  for (const ReportNode& c : node.children)
    by_key.emplace(c.key, i++);
  std::vector<std::pair<size_t, size_t>> pairs;  // report child index, outcome node
  std::vector<size_t> fresh;                     // outcome nodes without a report child
  for (size_t oc : tree.at(o).children) {
    auto it = by_key.find(tree.at(oc).key);
    if (it != by_key.end())
      pairs.emplace_back(it->second, oc);
    else
      fresh.push_back(oc);
  }
  for (size_t oc : fresh) {
    ReportNode child;
    child.key = tree.at(oc).key;
    node.children.add(std::move(child));
    pairs.emplace_back(node.children.size() - 1, oc);
  }
  auto first = node.children.begin();
  for (const auto& [index, oc] : pairs)
    graft(*(first + static_cast<std::ptrdiff_t>(index)), tree, oc);
}

void merge_metrics(Metrics& into, const Metrics& from) {
  into.input += from.input;
  into.output += from.output;
  into.cache_create += from.cache_create;
  into.cache_read += from.cache_read;
  into.cost_nanos += from.cost_nanos;
  into.records += from.records;  // an upper bound of a union, as the cube's cut says
  into.unpriced_records += from.unpriced_records;
  into.skill_calls += from.skill_calls;
  into.mcp_calls += from.mcp_calls;
  into.sessions = std::max(into.sessions, from.sessions);
  into.active_days = std::max(into.active_days, from.active_days);
  merge_outcomes(into.outcomes, from.outcomes);
}

// --top N over the finished tree (the cube's own cut cannot see outcomes).
void cut_top(ReportNode& node, const ReportQuery& q) {
  const Metric m = q.sort_by.value_or(Metric::kCostUsd);
  if (node.children.size() > q.top) {
    std::vector<ReportNode> kids(std::make_move_iterator(node.children.begin()),
                                 std::make_move_iterator(node.children.end()));
    std::vector<std::pair<int64_t, size_t>> order;  // each value once
    for (size_t i = 0; i < kids.size(); ++i)
      order.emplace_back(kids[i].metrics.sort_value(m, q.weights), i);
    std::stable_sort(order.begin(), order.end(), [&kids](const auto& a, const auto& b) {
      if (a.first != b.first) return a.first > b.first;
      return kids[a.second].key < kids[b.second].key;
    });
    std::vector<ReportNode> sorted;
    sorted.reserve(kids.size());
    for (const auto& [value, i] : order)
      sorted.push_back(std::move(kids[i]));
    kids.swap(sorted);
    std::string others_key = kOthers;
    auto taken = [&kids](const std::string& k) {
      return std::any_of(kids.begin(), kids.end(),
                         [&k](const ReportNode& n) { return n.key == k; });
    };
    while (taken(others_key))
      others_key += "*";
    ReportNode others;
    others.key = others_key;
    others.others = true;
    for (size_t i = q.top; i < kids.size(); ++i)
      merge_metrics(others.metrics, kids[i].metrics);
    kids.resize(q.top);
    node.children = ReportChildren();
    node.children.reserve(kids.size() + 1);
    for (ReportNode& k : kids)
      node.children.add(std::move(k));
    node.children.add(std::move(others));
  }
  for (ReportNode& c : node.children)
    if (!c.others) cut_top(c, q);
}

size_t count_nodes(const ReportNode& n) {
  size_t total = 0;
  for (const ReportNode& c : n.children)
    total += 1 + count_nodes(c);
  return total;
}

// Commits to their pull request: the commits a webhook named, then, for a
// pull request no push named commits of, the commits of its head branch
// until it was merged or closed (the earliest such PR when a branch name was
// reused). A tracker names a commit after one branch that holds it (the
// default branch for its own history), so a branch name is weaker evidence
// than commits a push named, where there are any.
std::unordered_map<std::string, size_t> commit_prs(const std::vector<CommitRecord>& commits,
                                                   const std::vector<PullRequestFact>& prs) {
  std::unordered_map<std::string, size_t> out;                 // full sha -> pr index
  std::unordered_map<std::string, std::vector<size_t>> named;  // 12-digit key -> prs
  std::vector<bool> pushed(prs.size(), false);                 // a push named commits of it
  for (size_t p = 0; p < prs.size(); ++p) {
    for (const std::string& sha : prs[p].commit_shas) {
      named[commit_key(sha)].push_back(p);
      if (sha != prs[p].head_sha && sha != prs[p].merge_sha) pushed[p] = true;
    }
    for (const std::string* sha : {&prs[p].merge_sha, &prs[p].head_sha})
      if (!sha->empty()) named[commit_key(*sha)].push_back(p);
  }
  for (const CommitRecord& c : commits) {
    auto it = named.find(commit_key(c.sha));
    if (it != named.end()) {
      out.emplace(c.sha, it->second.front());
      continue;
    }
    std::optional<size_t> best;
    int64_t best_end = INT64_MAX;
    for (size_t p = 0; p < prs.size(); ++p) {
      const PullRequestFact& pr = prs[p];
      if (pr.repo != c.repo || pr.head_branch.empty() || pr.head_branch != c.branch || pushed[p])
        continue;
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

}  // namespace

std::string pr_key(const PullRequestFact& pr) {
  return pr.repo + "#" + std::to_string(pr.number);
}

std::string commit_key(const std::string& sha) {
  return sha.substr(0, 12);
}

Result<Report> query_cube(const UsageCube& cube, const ReportQuery& q, const EpicMap& epics,
                          const OutcomeReader& read_outcomes, std::optional<TimeRange> range,
                          const LinkWindows& windows) {
  if (!q.wants_outcomes()) return cube.query(q, epics);
  const int64_t since = range ? range->since_ms : q.since_ms.value_or(INT64_MIN);
  const int64_t until = range ? range->until_ms : q.until_ms.value_or(INT64_MAX);
  // Commits a little after the range may still be linked to its sessions.
  const int64_t margin = std::max(windows.strong_ms, windows.weak_ms);
  OutcomeData data;
  if (read_outcomes) {
    auto loaded = read_outcomes(since, until < INT64_MAX - margin ? until + margin : until);
    if (!loaded) return loaded.error();
    data = std::move(loaded).value();
  }
  const std::vector<CommitRecord>& commits = data.commits.commits;
  const std::vector<PullRequestFact>& prs = data.pull_requests;

  // Links, then the attribution the cube splits spend by.
  const std::vector<SessionActivity> sessions = cube.session_activity();
  const std::vector<SessionCommitLink> links = link_sessions(sessions, commits, q.links, windows);
  const auto pr_of = commit_prs(commits, prs);
  CommitAttribution attribution;
  std::vector<std::vector<size_t>> sessions_of_commit(commits.size());
  for (const SessionCommitLink& l : links) {
    attribution.session_commits[sessions[l.session].session].push_back(
        commit_key(commits[l.commit].sha));
    sessions_of_commit[l.commit].push_back(l.session);
  }
  for (const auto& [sha, p] : pr_of)
    attribution.commit_pr[commit_key(sha)] = pr_key(prs[p]);

  ReportQuery whole = q;  // cut and counted after the outcomes are in
  whole.top = 0;
  whole.max_nodes = 0;
  auto report = cube.query(whole, epics, UsageCube::Strategy::kAuto, &attribution);
  if (!report) return report.error();

  auto epics_of = [&epics](const Values& tasks) {
    Values out;
    for (const std::string& t : tasks) {
      auto it = epics.find(t);
      add_unique(out, it != epics.end() ? it->second : kNoEpic);
    }
    return out;
  };
  auto date_of = [&q](int64_t ms) { return date_key_at(ms, q.tz, q.granularity); };
  // Git emails are compared without case: a commit's author is shown as the
  // collector knows the person (a token's author), else in lower case.
  std::unordered_map<std::string, std::string> known_authors;
  for (const SessionActivity& s : sessions)
    known_authors.emplace(ascii_lower(s.author), s.author);
  auto author_of = [&known_authors](const std::string& email) -> std::string {
    if (email.empty()) return kUnknown;
    std::string low = ascii_lower(email);
    auto it = known_authors.find(low);
    return it != known_authors.end() ? it->second : low;
  };

  Overlay overlay(q);
  // Commits of the range.
  std::unordered_map<std::string, std::vector<const ReworkFact*>> rework_of;
  for (const ReworkFact& r : data.commits.rework_of_commits)
    rework_of[r.repo + "\x1f" + r.original_sha].push_back(&r);
  std::vector<int64_t> pr_commits_first(prs.size(), 0);  // earliest author time of its commits
  std::vector<Values> pr_commit_keys(prs.size()), pr_sessions(prs.size()), pr_models(prs.size());
  for (size_t i = 0; i < commits.size(); ++i) {
    const CommitRecord& c = commits[i];
    auto pr = pr_of.find(c.sha);
    Values linked_sessions, linked_models;
    for (size_t s : sessions_of_commit[i]) {
      add_unique(linked_sessions, sessions[s].session);
      for (const std::string& m : sessions[s].models)
        add_unique(linked_models, m);
    }
    if (pr != pr_of.end()) {
      const size_t p = pr->second;
      add_unique(pr_commit_keys[p], commit_key(c.sha));
      for (const std::string& s : linked_sessions)
        add_unique(pr_sessions[p], s);
      for (const std::string& m : linked_models)
        add_unique(pr_models[p], m);
      if (c.author_ms > 0 && (pr_commits_first[p] == 0 || c.author_ms < pr_commits_first[p]))
        pr_commits_first[p] = c.author_ms;
    }
    if (c.committer_ms < since || c.committer_ms >= until) continue;
    std::vector<Values> v(kDimensionCount);
    const Values tasks = or_default(split_keys(c.task_keys), kNoTask);
    v[static_cast<size_t>(Dimension::kModel)] = or_default(linked_models, kNoSession);
    v[static_cast<size_t>(Dimension::kRepo)] = {c.repo};
    for (const CommitFile& f : c.files)
      add_unique(v[static_cast<size_t>(Dimension::kFile)], f.path);
    v[static_cast<size_t>(Dimension::kFile)] =
        or_default(std::move(v[static_cast<size_t>(Dimension::kFile)]), kNoFile);
    v[static_cast<size_t>(Dimension::kAuthor)] = {author_of(c.author_email)};
    v[static_cast<size_t>(Dimension::kTask)] = tasks;
    v[static_cast<size_t>(Dimension::kEpic)] = epics_of(tasks);
    v[static_cast<size_t>(Dimension::kDate)] = {date_of(c.committer_ms)};
    v[static_cast<size_t>(Dimension::kSession)] = or_default(linked_sessions, kNoSession);
    v[static_cast<size_t>(Dimension::kBranch)] = {c.branch.empty() ? kNoBranch : c.branch};
    v[static_cast<size_t>(Dimension::kCommit)] = {commit_key(c.sha)};
    v[static_cast<size_t>(Dimension::kPr)] = {pr != pr_of.end() ? pr_key(prs[pr->second])
                                                                : std::string(kNoPr)};
    const bool ai = c.ai_coauthor || !sessions_of_commit[i].empty();
    const auto rw = rework_of.find(c.repo + "\x1f" + c.sha);
    overlay.add(std::move(v), [&](Outcomes& o, const std::string* file) {
      int64_t added = 0, removed = 0, reworked = 0, refactoring = 0;
      for (const CommitFile& f : c.files)
        if (!file || f.path == *file) {
          added += f.added;
          removed += f.removed;
        }
      if (rw != rework_of.end())
        for (const ReworkFact* r : rw->second)
          if (!file || r->path == *file) reworked += r->lines;
      for (const ReworkedLines& r : c.reworked)
        if (!file || r.path == *file) refactoring += r.lines;
      o.commits += 1;
      o.lines_added += added;
      o.lines_removed += removed;
      o.reworked_lines += reworked;
      o.refactoring_lines += refactoring;
      if (ai) {
        o.ai_commits += 1;
        o.ai_lines_added += added;
        o.ai_reworked_lines += reworked;
      }
    });
  }
  // Pull requests: merged in the range, or opened in it and not merged.
  for (size_t p = 0; p < prs.size(); ++p) {
    const PullRequestFact& pr = prs[p];
    const bool merged = pr.state == PullRequestFact::State::kMerged && pr.merged_ms > 0;
    const int64_t when = merged ? pr.merged_ms : pr.opened_ms;
    if (when <= 0 || when < since || when >= until) continue;
    int64_t first_commit = pr.first_commit_ms;
    const int64_t tracked = pr_commits_first[p];
    if (tracked > 0 && (first_commit <= 0 || tracked < first_commit)) first_commit = tracked;
    std::vector<Values> v(kDimensionCount);
    Values tasks = split_keys(pr.task_keys);
    tasks = or_default(std::move(tasks), kNoTask);
    v[static_cast<size_t>(Dimension::kModel)] = or_default(pr_models[p], kNoSession);
    v[static_cast<size_t>(Dimension::kRepo)] = {pr.repo};
    v[static_cast<size_t>(Dimension::kFile)] = {kNoFile};
    v[static_cast<size_t>(Dimension::kAuthor)] = {!pr.author_email.empty()
                                                      ? author_of(pr.author_email)
                                                      : (pr.author.empty() ? kUnknown : pr.author)};
    v[static_cast<size_t>(Dimension::kTask)] = tasks;
    v[static_cast<size_t>(Dimension::kEpic)] = epics_of(tasks);
    v[static_cast<size_t>(Dimension::kDate)] = {date_of(when)};
    v[static_cast<size_t>(Dimension::kSession)] = or_default(pr_sessions[p], kNoSession);
    v[static_cast<size_t>(Dimension::kBranch)] = {pr.head_branch.empty() ? kNoBranch
                                                                         : pr.head_branch};
    v[static_cast<size_t>(Dimension::kCommit)] = or_default(pr_commit_keys[p], kNoCommit);
    v[static_cast<size_t>(Dimension::kPr)] = {pr_key(pr)};
    const int64_t opened = pr.opened_ms;
    const int64_t ready = pr.ready_ms > 0 ? pr.ready_ms : opened;
    const bool coded = first_commit > 0 && first_commit <= opened;
    const int64_t start = coded ? first_commit : opened;
    const bool reviewed = pr.first_review_ms > 0 && (!merged || pr.first_review_ms <= pr.merged_ms);
    overlay.add(std::move(v), [&](Outcomes& o, const std::string*) {
      o.prs += 1;
      if (!merged) return;
      o.merged_prs += 1;
      o.cycle_ms.push_back(pr.merged_ms - start);
      if (coded) o.coding_ms.push_back(opened - first_commit);
      if (reviewed) {
        o.pickup_ms.push_back(std::max<int64_t>(0, pr.first_review_ms - ready));
        o.review_ms.push_back(pr.merged_ms - pr.first_review_ms);
      }
    });
  }
  graft(report->root, overlay.tree(), 0);
  if (q.top > 0) cut_top(report->root, q);
  if (q.max_nodes > 0) {
    const size_t n = count_nodes(report->root);
    if (n > q.max_nodes)
      return make_error(std::string(kTooManyNodes) + ": it has " + std::to_string(n) +
                        " nodes, more than this collector's report_max_nodes (" +
                        std::to_string(q.max_nodes) +
                        "); ask for top=N, a shorter range, fewer levels or a filter");
  }
  report->query = q;
  return report;
}

}  // namespace codepulse::report
