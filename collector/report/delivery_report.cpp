#include "collector/report/delivery_report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <unordered_map>
#include <unordered_set>

#include "collector/report/money_json.hpp"
#include "collector/report/store_report.hpp"
#include "common/ascii.hpp"
#include "common/json_writer.hpp"
#include "common/report/attribution.hpp"
#include "common/time.hpp"

namespace codepulse::collector {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ')
    s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ')
    s.remove_suffix(1);
  return s;
}

std::vector<std::string> split_list(std::string_view list) {
  std::vector<std::string> out;
  size_t at = 0;
  while (at <= list.size()) {
    const size_t comma = list.find(',', at);
    const std::string_view one = trim(
        list.substr(at, comma == std::string_view::npos ? std::string_view::npos : comma - at));
    if (!one.empty()) out.emplace_back(one);
    if (comma == std::string_view::npos) break;
    at = comma + 1;
  }
  return out;
}

// What the collector knows of one commit: its parents (a tracker's, else the
// commit before it in its push), its time and what its push said.
struct CommitNode {
  std::vector<std::string> parents;
  int64_t time_ms = 0;
  bool tracked = false, merge = false, hotfix = false;
  std::string reverts;  // as the message abbreviated it
  std::vector<std::string> branches;
};

using Key = std::string;  // repo + '\x1f' + sha
Key key_of(const std::string& repo, const std::string& sha) {
  return repo + '\x1f' + sha;
}

}  // namespace

const char* ai_status_name(AiStatus s) {
  switch (s) {
    case AiStatus::kAi:
      return "ai";
    case AiStatus::kOther:
      return "other";
    case AiStatus::kUnknown:
      return "unknown";
  }
  return "unknown";
}

std::set<std::string> parse_environments(std::string_view list) {
  std::set<std::string> out;
  for (std::string& e : split_list(list))
    out.insert(std::move(e));
  return out;
}

Result<std::vector<std::regex>> parse_branch_globs(std::string_view list) {
  std::vector<std::regex> out;
  for (const std::string& glob : split_list(list)) {
    std::string re;
    for (char c : glob) {
      if (c == '*')
        re += ".*";
      else if (c == '?')
        re += '.';
      else if (std::string_view("\\^$.|+()[]{}").find(c) != std::string_view::npos)
        re += std::string("\\") + c;
      else
        re += c;
    }
    try {
      out.emplace_back(re, std::regex::ECMAScript | std::regex::nosubs);
    } catch (const std::regex_error& e) {
      return make_error("hotfix branch pattern '" + glob + "': " + e.what());
    }
  }
  return out;
}

Result<DeliveryOptions> delivery_options(const DeliverySettings& settings, int64_t since_ms,
                                         int64_t until_ms) {
  if (until_ms <= since_ms) return make_error("until must be after since");
  DeliveryOptions o;
  o.production = parse_environments(settings.production_environments);
  auto globs = parse_branch_globs(settings.hotfix_branch_patterns);
  if (!globs) return globs.error();
  o.hotfix_branches = std::move(globs).value();
  for (const std::string& label : parse_environments(settings.hotfix_labels))
    o.hotfix_labels.insert(ascii_lower(label));
  o.count_merge_commits = settings.count_merge_commits;
  o.since_ms = since_ms;
  o.until_ms = until_ms;
  return o;
}

std::optional<int64_t> percentile_ms(std::vector<int64_t> v, double p) {
  if (v.empty()) return std::nullopt;
  std::sort(v.begin(), v.end());
  const double rank = p / 100.0 * static_cast<double>(v.size() - 1);
  const size_t lo = static_cast<size_t>(std::floor(rank));
  const size_t hi = std::min(lo + 1, v.size() - 1);
  const double frac = rank - static_cast<double>(lo);
  return static_cast<int64_t>(
      std::llround(static_cast<double>(v[lo]) + frac * static_cast<double>(v[hi] - v[lo])));
}

DeliveryReport build_delivery(const DeliveryRows& rows, const report::CommitFacts& facts,
                              const std::map<std::string, CommitSpend>& spend,
                              const DeliveryOptions& options) {
  // The commit graph, trackers' commits first (they know every parent).
  std::unordered_map<Key, CommitNode> nodes;
  std::unordered_map<std::string, std::vector<std::string>> shas_of_repo;
  for (const CommitRecord& c : facts.commits) {
    CommitNode& n = nodes[key_of(c.repo, c.sha)];
    n.parents = c.parents;
    n.time_ms = c.committer_ms;
    n.tracked = true;
    n.merge = report::is_merge_commit(c);
    if (!c.branch.empty()) n.branches.push_back(c.branch);
    shas_of_repo[c.repo].push_back(c.sha);
  }
  for (const PushedCommitRow& p : rows.pushed) {
    auto [it, added] = nodes.try_emplace(key_of(p.repo, p.sha));
    CommitNode& n = it->second;
    if (added) shas_of_repo[p.repo].push_back(p.sha);
    if (!n.tracked) {
      if (n.parents.empty() && !p.parent_sha.empty()) n.parents.push_back(p.parent_sha);
      if (n.time_ms == 0) n.time_ms = p.time_ms;
    }
    n.merge = n.merge || p.merge;
    n.hotfix = n.hotfix || p.hotfix;
    if (n.reverts.empty()) n.reverts = p.reverts_sha;
    n.branches.push_back(p.branch);
  }
  // A merged pull request labelled as a hotfix: its head and merge commits.
  for (const LabelledPullRequestRow& pr : rows.labelled) {
    const bool hotfix = std::any_of(pr.labels.begin(), pr.labels.end(), [&](const std::string& l) {
      return options.hotfix_labels.count(ascii_lower(l)) > 0;
    });
    if (!hotfix) continue;
    for (const std::string* sha : {&pr.head_sha, &pr.merge_sha}) {
      auto it = sha->empty() ? nodes.end() : nodes.find(key_of(pr.repo, *sha));
      if (it != nodes.end()) it->second.hotfix = true;
    }
  }
  auto full_sha = [&](const std::string& repo, const std::string& abbrev) -> std::string {
    if (abbrev.size() == 40) return abbrev;
    auto it = shas_of_repo.find(repo);
    if (it == shas_of_repo.end()) return "";
    for (const std::string& s : it->second)
      if (s.rfind(abbrev, 0) == 0) return s;
    return "";
  };
  auto hotfix_branch = [&](const CommitNode& n) {
    for (const std::string& b : n.branches)
      for (const std::regex& r : options.hotfix_branches)
        if (std::regex_match(b, r)) return true;
    return false;
  };
  auto ai_of = [&](const std::string& sha, const CommitNode& n, int64_t& cost) {
    auto s = spend.find(sha);
    cost = s != spend.end() ? s->second.cost_nanos : 0;
    if (s != spend.end() && s->second.ai) return AiStatus::kAi;
    return n.tracked ? AiStatus::kOther : AiStatus::kUnknown;
  };

  // Deployments in time order; a deployment by ref takes the head its
  // branch had then: the newest commit pushed to it before the deployment.
  std::vector<DeploymentView> all;
  for (const DeploymentRow& d : rows.deployments) {
    DeploymentView v;
    v.source = d.source;
    v.id = d.id;
    v.repo = d.repo;
    v.environment = d.environment;
    v.sha = d.sha;
    v.production = d.production || options.production.count(d.environment) > 0;
    if (d.success_ms > 0) {
      v.outcome = "success";
      v.at_ms = d.success_ms;
    } else if (d.failure_ms > 0) {
      v.outcome = "failure";
      v.at_ms = d.failure_ms;
    } else {
      v.outcome = "pending";
      v.at_ms = d.created_ms;
    }
    if (v.sha.empty() && !d.ref.empty()) {
      const PushedCommitRow* head = nullptr;
      for (const PushedCommitRow& p : rows.pushed)
        if (p.repo == d.repo && p.branch == d.ref && p.pushed_ms <= v.at_ms &&
            (!head || p.pushed_ms >= head->pushed_ms))
          head = &p;  // rows come by push time: the last of the newest push
      if (head) v.sha = head->sha;
    }
    v.sha_known = !v.sha.empty() && nodes.count(key_of(v.repo, v.sha)) > 0;
    all.push_back(std::move(v));
  }
  std::stable_sort(all.begin(), all.end(), [](const DeploymentView& a, const DeploymentView& b) {
    return a.at_ms != b.at_ms ? a.at_ms < b.at_ms : a.id < b.id;
  });

  // Commits shipped: per repository and environment, what each successful
  // deployment reaches that an earlier one did not.
  std::map<std::pair<std::string, std::string>, std::unordered_set<std::string>> shipped;
  std::map<std::pair<std::string, std::string>, std::vector<size_t>> successes;
  std::unordered_map<Key, size_t> shipped_by;  // (repo, sha) in an env -> deployment
  for (size_t i = 0; i < all.size(); ++i) {
    DeploymentView& v = all[i];
    if (v.outcome == "pending") continue;
    const auto env = std::make_pair(v.repo, v.environment);
    std::unordered_set<std::string>& done = shipped[env];
    std::vector<std::string> stack;
    std::unordered_set<std::string> seen;
    if (v.sha_known) stack.push_back(v.sha);
    while (!stack.empty()) {
      std::string sha = std::move(stack.back());
      stack.pop_back();
      if (done.count(sha) || !seen.insert(sha).second) continue;
      auto n = nodes.find(key_of(v.repo, sha));
      if (n == nodes.end()) continue;  // before what the collector knows
      for (const std::string& p : n->second.parents)
        stack.push_back(p);
      if (n->second.merge && !options.count_merge_commits) continue;
      DeployedCommit c;
      c.sha = sha;
      c.time_ms = n->second.time_ms;
      c.ai = ai_of(sha, n->second, c.cost_nanos);
      v.commits.push_back(std::move(c));
    }
    std::sort(v.commits.begin(), v.commits.end(),
              [](const DeployedCommit& a, const DeployedCommit& b) {
                return a.time_ms != b.time_ms ? a.time_ms < b.time_ms : a.sha < b.sha;
              });
    bool any_ai = false, any_unknown = !v.sha_known;
    for (const DeployedCommit& c : v.commits) {
      v.cost_nanos += c.cost_nanos;
      any_ai = any_ai || c.ai == AiStatus::kAi;
      any_unknown = any_unknown || c.ai == AiStatus::kUnknown;
    }
    v.ai = any_ai ? AiStatus::kAi : (any_unknown ? AiStatus::kUnknown : AiStatus::kOther);
    if (v.outcome != "success") {
      v.failed = true;
      v.causes.push_back("failed status");
      continue;  // nothing reached the environment
    }
    for (const std::string& s : seen)
      done.insert(s);
    for (const DeployedCommit& c : v.commits)
      shipped_by[key_of(v.repo + '\x1f' + v.environment, c.sha)] = i;
    successes[env].push_back(i);
  }
  auto fail = [&](size_t i, const std::string& cause, int64_t restore_ms) {
    DeploymentView& v = all[i];
    if (std::find(v.causes.begin(), v.causes.end(), cause) != v.causes.end()) return;
    v.failed = true;
    v.causes.push_back(cause);
    if (restore_ms > 0 && (v.restored_ms == 0 || restore_ms < v.restored_ms))
      v.restored_ms = restore_ms;
  };
  // A failed status: restored by the next success to its environment.
  for (size_t i = 0; i < all.size(); ++i) {
    if (all[i].outcome != "failure") continue;
    for (size_t j : successes[{all[i].repo, all[i].environment}])
      if (all[j].at_ms >= all[i].at_ms) {
        all[i].restored_ms = all[j].at_ms - all[i].at_ms;
        break;
      }
  }
  // A revert or hotfix shipped by D2 fails the deployment that shipped the
  // reverted commit, or (a hotfix) the deployment before D2; D2 restores.
  for (auto& [env, list] : successes) {
    for (size_t k = 0; k < list.size(); ++k) {
      const DeploymentView& d2 = all[list[k]];
      for (const DeployedCommit& c : d2.commits) {
        const CommitNode& n = nodes[key_of(d2.repo, c.sha)];
        if (!n.reverts.empty()) {
          const std::string reverted = full_sha(d2.repo, n.reverts);
          auto at = shipped_by.find(key_of(d2.repo + '\x1f' + d2.environment, reverted));
          if (at != shipped_by.end() && all[at->second].at_ms < d2.at_ms)
            fail(at->second, "revert", d2.at_ms - all[at->second].at_ms);
        }
        if ((n.hotfix || hotfix_branch(n)) && k > 0)
          fail(list[k - 1], "hotfix", d2.at_ms - all[list[k - 1]].at_ms);
      }
    }
  }
  // An incident fails the newest successful deployment before it started
  // to its environment (production when it names none) and repository (any
  // when it names none); its resolution restores.
  for (const IncidentRow& inc : rows.incidents) {
    size_t best = all.size();
    for (size_t i = 0; i < all.size(); ++i) {
      const DeploymentView& v = all[i];
      if (v.outcome != "success" || v.at_ms > inc.started_ms) continue;
      if (!inc.repo.empty() && v.repo != inc.repo) continue;
      if (inc.environment.empty() ? !v.production : v.environment != inc.environment) continue;
      if (best == all.size() || v.at_ms >= all[best].at_ms) best = i;
    }
    if (best == all.size()) continue;
    fail(best, "incident " + inc.source + ":" + inc.id,
         inc.resolved_ms > 0 ? inc.resolved_ms - inc.started_ms : 0);
  }

  DeliveryReport out;
  out.since_ms = options.since_ms;
  out.until_ms = options.until_ms;
  std::map<std::string, EnvironmentStats> envs;
  for (DeploymentView& v : all) {
    if (v.at_ms < options.since_ms || v.at_ms >= options.until_ms) continue;
    if (v.outcome != "pending") {
      EnvironmentStats& e = envs[v.environment];
      e.environment = v.environment;
      e.production = e.production || v.production;
      SplitStats& by = v.ai == AiStatus::kAi      ? e.ai
                       : v.ai == AiStatus::kOther ? e.other
                                                  : e.unknown;
      for (SplitStats* s : {&e.all, &by}) {
        s->deployments += 1;
        s->failed += v.failed ? 1 : 0;
        s->cost_nanos += v.cost_nanos;
        if (v.failed && v.restored_ms > 0) s->restore_ms.push_back(v.restored_ms);
      }
      if (v.outcome == "success")
        for (const DeployedCommit& c : v.commits) {
          const int64_t lead = v.at_ms - c.time_ms;
          e.all.lead_ms.push_back(lead);
          (c.ai == AiStatus::kAi      ? e.ai
           : c.ai == AiStatus::kOther ? e.other
                                      : e.unknown)
              .lead_ms.push_back(lead);
        }
    }
    out.deployments.push_back(std::move(v));
  }
  for (auto& [name, e] : envs)
    out.environments.push_back(std::move(e));
  return out;
}

Result<DeliveryReport> delivery_report(Store& store, const DeliveryOptions& options) {
  auto rows = store.load_delivery();
  if (!rows) return rows.error();
  auto commits = store.load_commits(INT64_MIN, INT64_MAX);
  if (!commits) return commits.error();
  // Spend by commit: the whole store's report by commit (its sessions linked
  // to its commits, docs/METRICS.md), with the merge rule of the options.
  report::ReportQuery q;
  q.group_by = {report::Dimension::kCommit};
  q.outcomes = true;
  q.count_merge_commits = options.count_merge_commits;
  auto by_commit = build_report(store, q);
  if (!by_commit) return by_commit.error();
  std::map<std::string, CommitSpend> by_key;  // commit_key -> spend
  for (const report::ReportNode& n : by_commit->root.children)
    by_key[n.key] = {n.metrics.cost(q.cost_basis), n.metrics.outcomes.ai_commits > 0};
  std::map<std::string, CommitSpend> spend;
  auto add = [&](const std::string& sha) {
    auto it = by_key.find(report::commit_key(sha));
    if (it != by_key.end()) spend[sha] = it->second;
  };
  for (const CommitRecord& c : commits->commits)
    add(c.sha);
  for (const PushedCommitRow& p : rows->pushed)
    add(p.sha);
  return build_delivery(*rows, *commits, spend, options);
}

namespace {

void write_duration(JsonWriter& w, const char* name, const std::vector<int64_t>& ms, double p) {
  const auto v = percentile_ms(ms, p);
  if (v)
    w.field(name, static_cast<double>(*v) / 3'600'000.0);
  else
    w.key(name).null();
}

void write_split(JsonWriter& w, const SplitStats& s, double days) {
  w.begin_object();
  w.field("deployments", s.deployments).field("failed_deployments", s.failed);
  if (days > 0)
    w.field("deployments_per_day", static_cast<double>(s.deployments) / days);
  else
    w.key("deployments_per_day").null();
  if (s.deployments > 0)
    w.field("change_failure_rate",
            static_cast<double>(s.failed) / static_cast<double>(s.deployments));
  else
    w.key("change_failure_rate").null();
  w.field("commits", static_cast<int64_t>(s.lead_ms.size()));
  write_duration(w, "lead_time_hours", s.lead_ms, 50);
  write_duration(w, "lead_time_hours_p90", s.lead_ms, 90);
  write_duration(w, "time_to_restore_hours", s.restore_ms, 50);
  write_money(w, "ai_cost_usd", "ai_cost_nanos", s.cost_nanos);
  write_money(
      w, "ai_cost_per_deployment_usd", "ai_cost_per_deployment_nanos",
      s.deployments > 0 ? std::optional<int64_t>(s.cost_nanos / s.deployments) : std::nullopt);
  w.end_object();
}

std::string hours_text(const std::vector<int64_t>& ms, double p) {
  const auto v = percentile_ms(ms, p);
  if (!v) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2fh", static_cast<double>(*v) / 3'600'000.0);
  return buf;
}

}  // namespace

std::string delivery_stats_json(const DeliveryReport& r) {
  const double days = static_cast<double>(r.until_ms - r.since_ms) / 86'400'000.0;
  std::string out;
  JsonWriter w(out);
  w.begin_object()
      .field("since", format_iso8601_utc_ms(r.since_ms))
      .field("until", format_iso8601_utc_ms(r.until_ms))
      .key("environments")
      .begin_array();
  for (const EnvironmentStats& e : r.environments) {
    w.begin_object().field("environment", e.environment).field("production", e.production);
    w.key("all");
    write_split(w, e.all, days);
    w.key("ai");
    write_split(w, e.ai, days);
    w.key("other");
    write_split(w, e.other, days);
    w.key("unknown");
    write_split(w, e.unknown, days);
    w.end_object();
  }
  w.end_array().end_object();
  return out;
}

std::string delivery_list_json(const DeliveryReport& r) {
  std::string out;
  JsonWriter w(out);
  w.begin_object().key("deployments").begin_array();
  for (const DeploymentView& d : r.deployments) {
    w.begin_object()
        .field("source", d.source)
        .field("id", d.id)
        .field("repo", d.repo)
        .field("environment", d.environment)
        .field("production", d.production)
        .field("sha", d.sha)
        .field("sha_known", d.sha_known)
        .field("outcome", d.outcome)
        .field("at", format_iso8601_utc_ms(d.at_ms))
        .field("ai", ai_status_name(d.ai));
    write_money(w, "ai_cost_usd", "ai_cost_nanos", d.cost_nanos);
    w.field("failed", d.failed).key("causes").begin_array();
    for (const std::string& c : d.causes)
      w.value(c);
    w.end_array();
    if (d.failed && d.restored_ms > 0)
      w.field("time_to_restore_hours", static_cast<double>(d.restored_ms) / 3'600'000.0);
    else
      w.key("time_to_restore_hours").null();
    w.key("commits").begin_array();
    for (const DeployedCommit& c : d.commits)
      w.begin_object()
          .field("sha", c.sha)
          .field("time", format_iso8601_utc_ms(c.time_ms))
          .field("ai", ai_status_name(c.ai))
          .end_object();
    w.end_array().end_object();
  }
  w.end_array().end_object();
  return out;
}

std::string delivery_stats_table(const DeliveryReport& r) {
  const double days = static_cast<double>(r.until_ms - r.since_ms) / 86'400'000.0;
  std::string out =
      "environment   split    deploys  per day  failed  CFR     lead p50  lead p90  "
      "restore p50  AI cost/deploy\n";
  for (const EnvironmentStats& e : r.environments) {
    const std::pair<const char*, const SplitStats*> rows[] = {
        {"all", &e.all}, {"ai", &e.ai}, {"other", &e.other}, {"unknown", &e.unknown}};
    for (const auto& [name, s] : rows) {
      char line[256];
      const double per_day = days > 0 ? static_cast<double>(s->deployments) / days : 0;
      const std::string cfr = s->deployments > 0
                                  ? std::to_string(100 * s->failed / s->deployments) + "%"
                                  : std::string("-");
      const std::string cost =
          s->deployments > 0 ? "$" + format_usd(s->cost_nanos / s->deployments, 2) : "-";
      std::snprintf(
          line, sizeof line, "%-13s %-8s %7lld  %7.2f  %6lld  %-6s  %-8s  %-8s  %-11s  %s\n",
          e.environment.c_str(), name, static_cast<long long>(s->deployments), per_day,
          static_cast<long long>(s->failed), cfr.c_str(), hours_text(s->lead_ms, 50).c_str(),
          hours_text(s->lead_ms, 90).c_str(), hours_text(s->restore_ms, 50).c_str(), cost.c_str());
      out += line;
    }
  }
  if (r.environments.empty()) out += "(no deployments in the range)\n";
  return out;
}

std::string delivery_list_table(const DeliveryReport& r) {
  std::string out =
      "time                      environment   repo                          sha           outcome "
      " "
      "commits  ai       failed\n";
  for (const DeploymentView& d : r.deployments) {
    char line[512];
    std::string causes;
    for (const std::string& c : d.causes)
      causes += (causes.empty() ? "" : ", ") + c;
    std::snprintf(line, sizeof line, "%-25s %-13s %-29s %-13s %-8s %7zu  %-8s %s\n",
                  format_iso8601_utc_ms(d.at_ms).c_str(), d.environment.c_str(), d.repo.c_str(),
                  d.sha.substr(0, 12).c_str(), d.outcome.c_str(), d.commits.size(),
                  ai_status_name(d.ai), d.failed ? ("yes (" + causes + ")").c_str() : "no");
    out += line;
  }
  if (r.deployments.empty()) out += "(no deployments in the range)\n";
  return out;
}

}  // namespace codepulse::collector
