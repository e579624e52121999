#include "collector/report/bug_report.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <unordered_map>

#include "common/ascii.hpp"
#include "common/json_writer.hpp"
#include "common/time.hpp"

namespace codepulse::collector {
namespace {

using Key = std::string;  // repo + '\x1f' + sha
Key key_of(const std::string& repo, const std::string& sha) {
  return repo + '\x1f' + sha;
}

std::vector<std::string> keys_of(std::string_view list) {
  std::vector<std::string> out;
  while (!list.empty()) {
    const size_t comma = list.find(',');
    std::string_view one = list.substr(0, comma);
    while (!one.empty() && one.front() == ' ')
      one.remove_prefix(1);
    while (!one.empty() && one.back() == ' ')
      one.remove_suffix(1);
    if (!one.empty()) out.emplace_back(one);
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return out;
}

// What is known of one commit, from a tracker and its pushes.
struct Commit {
  std::string repo, sha;
  int64_t time_ms = 0;
  bool tracked = false, merge = false;
  int64_t scored = 0, ai = 0;
  std::vector<std::string> keys;  // task keys its message names
  std::string reverts, fixes;     // abbreviated SHAs its pushed message named
  // The commits whose lines it rewrote or deleted: the tracker's blame of
  // its removed lines (its reworked entries, within the rework window, and
  // its fix blame past it).
  std::vector<std::string> blamed;
  bool names(const std::string& key) const {
    return std::find(keys.begin(), keys.end(), key) != keys.end();
  }
};

class Commits {
 public:
  Commits(const report::CommitFacts& facts, const std::vector<PushedCommitRow>& pushed) {
    for (const CommitRecord& c : facts.commits) {
      Commit& x = at(c.repo, c.sha);
      x.tracked = true;
      x.time_ms = c.committer_ms;
      x.merge = report::is_merge_commit(c);
      for (const CommitFile& f : c.files) {
        x.scored += f.lines_added;
        x.ai += f.ai_lines_added;
      }
      for (std::string& k : keys_of(c.task_keys))
        add_key(x, std::move(k));
      for (const auto* list : {&c.reworked, &c.fix_blame})
        for (const ReworkedLines& r : *list)
          if (std::find(x.blamed.begin(), x.blamed.end(), r.original_sha) == x.blamed.end())
            x.blamed.push_back(r.original_sha);
    }
    for (const PushedCommitRow& p : pushed) {
      Commit& x = at(p.repo, p.sha);
      if (!x.tracked) x.time_ms = x.time_ms == 0 ? p.time_ms : std::min(x.time_ms, p.time_ms);
      x.merge = x.merge || p.merge;
      if (x.reverts.empty()) x.reverts = p.reverts_sha;
      if (x.fixes.empty()) x.fixes = p.fixes_sha;
      for (std::string& k : keys_of(p.task_keys))
        add_key(x, std::move(k));
    }
    for (auto& [key, c] : all_) {
      by_repo_[c.repo].push_back(c.sha);
      for (const std::string& k : c.keys)
        naming_[k].push_back(key);
    }
    for (auto& [repo, shas] : by_repo_)
      std::sort(shas.begin(), shas.end());
  }

  const Commit* find(const Key& k) const {
    auto it = all_.find(k);
    return it == all_.end() ? nullptr : &it->second;
  }
  // The commit of `repo` whose SHA starts with `prefix`, when exactly one does.
  const Commit* by_prefix(const std::string& repo, const std::string& prefix) const {
    auto r = by_repo_.find(repo);
    if (r == by_repo_.end() || prefix.size() < 7) return nullptr;
    auto it = std::lower_bound(r->second.begin(), r->second.end(), prefix);
    if (it == r->second.end() || it->compare(0, prefix.size(), prefix) != 0) return nullptr;
    auto next = it + 1;
    if (next != r->second.end() && next->compare(0, prefix.size(), prefix) == 0) return nullptr;
    return find(key_of(repo, *it));
  }
  const std::vector<Key>& naming(const std::string& task) const {
    static const std::vector<Key> kNone;
    auto it = naming_.find(task);
    return it == naming_.end() ? kNone : it->second;
  }
  const std::map<Key, Commit>& all() const { return all_; }

 private:
  Commit& at(const std::string& repo, const std::string& sha) {
    Commit& c = all_[key_of(repo, sha)];
    c.repo = repo;
    c.sha = sha;
    return c;
  }
  static void add_key(Commit& c, std::string k) {
    if (std::find(c.keys.begin(), c.keys.end(), k) == c.keys.end()) c.keys.push_back(std::move(k));
  }

  std::map<Key, Commit> all_;
  std::unordered_map<std::string, std::vector<std::string>> by_repo_;
  std::unordered_map<std::string, std::vector<Key>> naming_;
};

std::string short_sha(const std::string& sha) {
  return sha.substr(0, 12);
}

}  // namespace

std::optional<double> BugReport::ai_per_1000() const {
  if (ai_lines <= 0) return std::nullopt;
  return bugs_ai * 1000.0 / static_cast<double>(ai_lines);
}

std::optional<double> BugReport::other_per_1000() const {
  if (other_lines <= 0) return std::nullopt;
  return bugs_other * 1000.0 / static_cast<double>(other_lines);
}

BugReport build_bug_report(const DeliveryRows& rows, const report::CommitFacts& facts,
                           const std::vector<report::PullRequestFact>& prs, int64_t since_ms,
                           int64_t until_ms) {
  BugReport out;
  out.since_ms = since_ms;
  out.until_ms = until_ms;
  const Commits commits(facts, rows.pushed);
  auto in_range = [&](const Commit& c) {
    return !c.merge && c.time_ms >= since_ms && c.time_ms < until_ms;
  };
  for (const auto& [key, c] : commits.all()) {
    if (!in_range(c)) continue;
    out.commits += 1;
    if (c.scored <= 0) continue;
    out.scored_commits += 1;
    out.ai_lines += c.ai;
    out.other_lines += c.scored - c.ai;
  }
  // Pull requests by the task keys they name: their commits.
  std::unordered_map<std::string, std::vector<Key>> pr_commits;
  for (const report::PullRequestFact& pr : prs)
    for (const std::string& k : keys_of(pr.task_keys))
      for (const std::string& sha : pr.commit_shas)
        pr_commits[k].push_back(key_of(pr.repo, sha));
  // Causes, from both sides of each link.
  std::unordered_map<std::string, std::set<std::string>> causes_of;
  for (const TaskRecord& t : rows.tasks) {
    for (const std::string& c : t.caused_by)
      causes_of[t.key].insert(c);
    for (const std::string& b : t.causes)
      causes_of[b].insert(t.key);
  }
  for (const TaskRecord& t : rows.tasks) {
    if (t.deleted || ascii_lower(t.issue_type) != "bug") continue;
    std::map<Key, std::string> found;  // introducing commit -> how (the first way found)
    auto cause = causes_of.find(t.key);
    if (cause != causes_of.end())
      for (const std::string& task : cause->second) {
        if (task == t.key) continue;
        for (const Key& k : commits.naming(task))
          found.emplace(k, "caused by " + task);
        auto pr = pr_commits.find(task);
        if (pr != pr_commits.end())
          for (const Key& k : pr->second)
            found.emplace(k, "caused by " + task + " (pull request)");
      }
    for (const Key& k : commits.naming(t.key)) {
      const Commit* fix = commits.find(k);
      if (!fix) continue;
      if (const Commit* c = commits.by_prefix(fix->repo, fix->reverts))
        found.emplace(key_of(c->repo, c->sha), "reverted by " + short_sha(fix->sha));
      if (const Commit* c = commits.by_prefix(fix->repo, fix->fixes))
        found.emplace(key_of(c->repo, c->sha), "Fixes: in " + short_sha(fix->sha));
      // The lines the fix changed, blamed on the laptop; a commit naming the
      // bug itself is an earlier part of the fix, not its cause.
      for (const std::string& original : fix->blamed) {
        const Commit* c = commits.find(key_of(fix->repo, original));
        if (c && !c->names(t.key))
          found.emplace(key_of(c->repo, c->sha), "blamed in " + short_sha(fix->sha));
      }
    }
    BugView v;
    v.key = t.key;
    v.status = t.status;
    v.priority = t.priority;
    v.created_ms = t.created_ms;
    v.resolved_ms = t.resolved_ms;
    bool any = false;
    int64_t scored = 0, ai = 0;
    for (const auto& [k, via] : found) {
      const Commit* c = commits.find(k);
      if (!c || c->merge) continue;
      any = true;
      if (!in_range(*c)) continue;
      v.commits.push_back({c->repo, c->sha, c->time_ms, c->scored, c->ai, via});
      scored += c->scored;
      ai += c->ai;
    }
    if (!any) {
      if (t.created_ms >= since_ms && t.created_ms < until_ms) out.bugs_unlinked += 1;
      continue;
    }
    if (v.commits.empty()) continue;
    std::sort(v.commits.begin(), v.commits.end(), [](const BugCommit& a, const BugCommit& b) {
      return a.time_ms != b.time_ms ? a.time_ms < b.time_ms : a.sha < b.sha;
    });
    out.bugs += 1;
    if (scored > 0) {
      v.ai_share = static_cast<double>(ai) / static_cast<double>(scored);
      out.bugs_ai += *v.ai_share;
      out.bugs_other += 1.0 - *v.ai_share;
    } else {
      out.bugs_unknown += 1;
    }
    out.bugs_list.push_back(std::move(v));
  }
  std::sort(out.bugs_list.begin(), out.bugs_list.end(), [](const BugView& a, const BugView& b) {
    const int64_t x = a.commits.front().time_ms, y = b.commits.front().time_ms;
    return x != y ? x < y : a.key < b.key;
  });
  return out;
}

Result<BugReport> bug_report(Store& store, int64_t since_ms, int64_t until_ms) {
  auto rows = store.load_delivery();
  if (!rows) return rows.error();
  auto commits = store.load_commits(INT64_MIN, INT64_MAX);
  if (!commits) return commits.error();
  auto prs = store.load_pull_requests();
  if (!prs) return prs.error();
  return build_bug_report(*rows, *commits, *prs, since_ms, until_ms);
}

namespace {

void optional_number(JsonWriter& w, const char* name, std::optional<double> v) {
  if (v)
    w.field(name, *v);
  else
    w.key(name).null();
}

void time_or_null(JsonWriter& w, const char* name, int64_t ms) {
  if (ms > 0)
    w.field(name, format_iso8601_utc_ms(ms));
  else
    w.key(name).null();
}

std::string rate_text(std::optional<double> v) {
  if (!v) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", *v);
  return buf;
}

}  // namespace

std::string bug_report_json(const BugReport& r) {
  std::string out;
  JsonWriter w(out);
  w.begin_object()
      .field("since", format_iso8601_utc_ms(r.since_ms))
      .field("until", format_iso8601_utc_ms(r.until_ms))
      .field("commits", r.commits)
      .field("scored_commits", r.scored_commits)
      .field("ai_lines", r.ai_lines)
      .field("other_lines", r.other_lines)
      .field("bugs", r.bugs)
      .field("bugs_ai", r.bugs_ai)
      .field("bugs_other", r.bugs_other)
      .field("bugs_unknown", r.bugs_unknown)
      .field("bugs_unlinked", r.bugs_unlinked);
  optional_number(w, "ai_bugs_per_1000_lines", r.ai_per_1000());
  optional_number(w, "other_bugs_per_1000_lines", r.other_per_1000());
  w.key("list").begin_array();
  for (const BugView& b : r.bugs_list) {
    w.begin_object().field("key", b.key).field("status", b.status).field("priority", b.priority);
    time_or_null(w, "created", b.created_ms);
    time_or_null(w, "resolved", b.resolved_ms);
    optional_number(w, "ai_share", b.ai_share);
    w.key("commits").begin_array();
    for (const BugCommit& c : b.commits)
      w.begin_object()
          .field("repo", c.repo)
          .field("sha", c.sha)
          .field("time", format_iso8601_utc_ms(c.time_ms))
          .field("scored_lines", c.scored_lines)
          .field("ai_lines", c.ai_lines)
          .field("via", c.via)
          .end_object();
    w.end_array().end_object();
  }
  w.end_array().end_object();
  return out;
}

std::string bug_report_table(const BugReport& r) {
  char line[512];
  std::string out;
  std::snprintf(line, sizeof line,
                "commits %lld (%lld with scored lines): %lld AI lines, %lld other lines\n"
                "bugs %lld: AI %.2f, other %.2f, unknown %lld; unlinked %lld\n"
                "bugs per 1,000 lines: AI %s, other %s\n\n",
                static_cast<long long>(r.commits), static_cast<long long>(r.scored_commits),
                static_cast<long long>(r.ai_lines), static_cast<long long>(r.other_lines),
                static_cast<long long>(r.bugs), r.bugs_ai, r.bugs_other,
                static_cast<long long>(r.bugs_unknown), static_cast<long long>(r.bugs_unlinked),
                rate_text(r.ai_per_1000()).c_str(), rate_text(r.other_per_1000()).c_str());
  out += line;
  out += "bug           AI share  commit        repo                          via\n";
  for (const BugView& b : r.bugs_list)
    for (size_t i = 0; i < b.commits.size(); ++i) {
      const BugCommit& c = b.commits[i];
      std::snprintf(line, sizeof line, "%-13s %-8s  %-12s  %-29s %s\n", i == 0 ? b.key.c_str() : "",
                    i == 0 ? rate_text(b.ai_share).c_str() : "", short_sha(c.sha).c_str(),
                    c.repo.c_str(), c.via.c_str());
      out += line;
    }
  if (r.bugs_list.empty()) out += "(no bug introduced in the range)\n";
  return out;
}

}  // namespace codepulse::collector
