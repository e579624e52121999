// What a pushed commit's message says that the delivery metrics need
// (docs/DELIVERY.md), read in memory while the webhook is parsed: whether it
// is a merge, which commit it reverts or fixes, whether it is a hotfix, which
// task keys it names. Only these flags, SHAs and keys are kept; the message
// itself never is.
#pragma once

#include <cstddef>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace codepulse::collector {

// A build status that reports a deployment (Bitbucket's commit statuses):
// its name or its key matches `pattern` (no case).
struct DeployStatusRule {
  std::string environment;
  std::regex pattern;
};

// What the webhooks' parsers read from free text as it arrives, before the
// text is dropped: commit messages and build status names.
struct MessageRules {
  std::vector<std::regex> hotfix;                 // a message matching any of them is a hotfix
  std::vector<DeployStatusRule> deploy_statuses;  // the first that matches names the environment
};

// Comma-separated ECMAScript regular expressions, matched without case
// anywhere in the message ("" = none); an error names the pattern that does
// not compile.
Result<MessageRules> parse_message_rules(std::string_view patterns);
// The default of hotfix_message_patterns.
inline constexpr const char* kDefaultHotfixMessagePatterns = "^hotfix\\b,\\[hotfix\\]";

// Comma-separated "ENVIRONMENT=PATTERN" pairs, PATTERN an ECMAScript regular
// expression matched without case anywhere in a build status's name or key
// ("" = none); an error names the pair that is not one.
Result<std::vector<DeployStatusRule>> parse_deploy_status_rules(std::string_view rules);
// The default of bitbucket_deploy_statuses: "Deploy to production",
// "deploy-prod", "Pipeline #12: deploy to prod-eu" ...
inline constexpr const char* kDefaultDeployStatusRules = "production=deploy.*prod";
// The rule the status's name or key meets first, or nullptr.
const DeployStatusRule* deploy_rule_of(const std::vector<DeployStatusRule>& rules,
                                       std::string_view name, std::string_view key);

struct MessageFacts {
  bool merge = false;
  std::string reverts_sha;  // lower-case hex, 7 to 40 digits; "" when it reverts nothing
  bool hotfix = false;
  std::string task_keys;  // the task keys it names, comma-separated (find_task_keys)
  std::string fixes_sha;  // a "Fixes: <sha>" trailer's commit, lower-case hex, 7 to 40 digits
};

// A merge: more than one parent (`parents`; 0 when the vendor does not say),
// a commit GitHub's merge button made (committer noreply@github.com), or a
// message git or a host writes for a merge ("Merge branch ...", "Merge pull
// request #...", "Merge remote-tracking branch ...", Bitbucket's "Merged in
// ..."). A revert: git's "This reverts commit <sha>". A fix: a line
// "Fixes: <sha>" (the Linux kernel's trailer; "Fixes: <sha> (\"subject\")"
// too), the first one; a "Fixes: PROJ-12" names no commit.
MessageFacts read_message(std::string_view message, std::string_view committer_email,
                          size_t parents, const MessageRules& rules);

}  // namespace codepulse::collector
