// GitHub webhook events (POST /v1/webhooks/github), read into what the
// outcome metrics need: pushes (commits with their author, time and files),
// pull requests (opened, ready for review, synchronized, closed and merged)
// and reviews. Messages, titles, bodies and diffs are never kept. Other
// events and actions are acknowledged and ignored.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace codepulse::collector {

struct GitHubCommit {
  std::string sha;
  int64_t time_ms = 0;
  std::string author_email;
  std::vector<std::string> files;  // added, removed and modified paths
};

struct GitHubEvent {
  enum Kind { kIgnored, kPush, kPullRequest, kReview } kind = kIgnored;
  std::string event, action;  // X-GitHub-Event, and the payload's action
  std::string repo;           // "github.com/OWNER/NAME", as trackers name repositories
  // kPush
  std::string branch;  // refs/heads/ removed
  std::vector<GitHubCommit> commits;
  // kPullRequest and kReview
  int64_t pr_number = 0;
  std::string pr_author, head_branch, base_branch, merge_sha;
  bool draft = false, merged = false;
  int64_t created_ms = 0, closed_ms = 0, merged_ms = 0;
  // kReview
  std::string reviewer, review_state;
  int64_t review_ms = 0;
};

// `event` is the X-GitHub-Event header. Errors say what is wrong (for a 400).
Result<GitHubEvent> parse_github_webhook(std::string_view event, std::string_view body);

// An ISO-8601 time with "Z" or a "+HH:MM"/"-HH:MM" offset, in ms UTC.
std::optional<int64_t> parse_github_time(std::string_view text);

}  // namespace codepulse::collector
