// The collector's delivery settings (docs/DELIVERY.md), as its
// configuration gives them; delivery_report.hpp reads them.
#pragma once

#include <string>

namespace codepulse::collector {

struct DeliverySettings {
  std::string secret;  // delivery_secret_file's; empty: POST /v1/deployments and /v1/incidents off
  std::string production_environments = "production";
  std::string hotfix_branch_patterns = "hotfix/*,hotfix-*";
  std::string hotfix_message_patterns = "^hotfix\\b,\\[hotfix\\]";
  // Comma-separated pull request labels (no case): a merged pull request
  // with one ships a hotfix (its head and merge commits).
  std::string hotfix_labels = "hotfix";
  // Comma-separated ENVIRONMENT=PATTERN: a Bitbucket build status whose
  // name or key matches PATTERN (no case) is a deployment to ENVIRONMENT.
  std::string bitbucket_deploy_statuses = "production=deploy.*prod";
  bool count_merge_commits = false;
};

}  // namespace codepulse::collector
