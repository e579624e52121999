// Delivery metrics (docs/DELIVERY.md): deployments with the commits each
// shipped (by ancestry: a deployment of S ships every commit reachable from S
// that no earlier deployment to its repository and environment shipped),
// which deployments failed (a failed status, a later revert or hotfix, an
// incident) and when service was restored, and per environment: deployment
// frequency, lead time for changes, AI cost per deployment and change
// failure rate, split AI vs other.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "collector/report/delivery_settings.hpp"
#include "collector/store/store.hpp"
#include "common/report/outcome_facts.hpp"
#include "common/report/report.hpp"
#include "common/result.hpp"

namespace codepulse::collector {

struct DeliveryOptions {
  std::set<std::string> production;         // production environments (besides the senders' flag)
  std::vector<std::regex> hotfix_branches;  // a commit on a matching branch is a hotfix
  std::set<std::string> hotfix_labels;      // lower-cased: a pull request's label naming a hotfix
  bool count_merge_commits = false;
  int64_t since_ms = 0, until_ms = 0;  // deployments whose time is in [since, until)
};
// "production,prod" -> the set; globs "hotfix/*,hotfix-*" -> regular
// expressions (* any run of characters, ? one).
std::set<std::string> parse_environments(std::string_view list);
Result<std::vector<std::regex>> parse_branch_globs(std::string_view list);
// The options of `settings` for deployments in [since_ms, until_ms).
Result<DeliveryOptions> delivery_options(const DeliverySettings& settings, int64_t since_ms,
                                         int64_t until_ms);

// Whether a commit is AI: an AI co-author trailer or a session link (kAi),
// neither (kOther), or sent by no tracker (kUnknown).
enum class AiStatus { kAi, kOther, kUnknown };
const char* ai_status_name(AiStatus s);  // "ai", "other", "unknown"

// What a report by commit says of one commit.
struct CommitSpend {
  int64_t cost_nanos = 0;
  bool ai = false;
};

struct DeployedCommit {
  std::string sha;
  int64_t time_ms = 0;  // committer time (a tracker's), else the push's commit time
  AiStatus ai = AiStatus::kUnknown;
  int64_t cost_nanos = 0;
};

struct DeploymentView {
  std::string source, id, repo, environment, sha;
  bool production = false;
  std::string outcome;     // "success", "failure" (a failed status), "pending"
  int64_t at_ms = 0;       // success (or failure) time; the request for a pending one
  bool sha_known = false;  // the collector knows the deployed commit (a push or a tracker)
  std::vector<DeployedCommit> commits;  // shipped by this deployment, oldest first
  AiStatus ai = AiStatus::kOther;       // kAi: some commit is AI; kUnknown: none is, some unknown
  int64_t cost_nanos = 0;               // AI spend on its commits
  bool failed = false;
  std::vector<std::string> causes;  // "failed status", "revert", "hotfix", "incident <source>:<id>"
  int64_t restored_ms = 0;          // time to restore (0: not restored, or not failed)
};

struct SplitStats {
  int64_t deployments = 0, failed = 0;
  int64_t cost_nanos = 0;
  std::vector<int64_t> lead_ms;     // per shipped commit
  std::vector<int64_t> restore_ms;  // per restored failure
};

struct EnvironmentStats {
  std::string environment;
  bool production = false;
  SplitStats all, ai, other, unknown;  // by the deployment's (or the commit's) AI status
};

struct DeliveryReport {
  std::vector<DeploymentView> deployments;     // of the range, by time
  std::vector<EnvironmentStats> environments;  // by name
  int64_t since_ms = 0, until_ms = 0;
};

// The report from what the store holds, `commits` (every tracker commit) and
// `spend` (by full SHA; commits missing from it have no spend).
DeliveryReport build_delivery(const DeliveryRows& rows, const report::CommitFacts& commits,
                              const std::map<std::string, CommitSpend>& spend,
                              const DeliveryOptions& options);

// The same from a store: its rows, its commits and a report by commit for
// the spend (priced with the store's pricing in force).
Result<DeliveryReport> delivery_report(Store& store, const DeliveryOptions& options);

// Percentile (nearest-rank interpolated like reports); nullopt when empty.
std::optional<int64_t> percentile_ms(std::vector<int64_t> v, double p);

std::string delivery_stats_json(const DeliveryReport& r);
std::string delivery_list_json(const DeliveryReport& r);
std::string delivery_stats_table(const DeliveryReport& r);
std::string delivery_list_table(const DeliveryReport& r);

}  // namespace codepulse::collector
