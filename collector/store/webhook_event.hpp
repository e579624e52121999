// What a GitHub or Bitbucket webhook delivery says, in one shape for both
// (collector/ingest/github_webhook.hpp, bitbucket_webhook.hpp), and what the
// store made of it (Store::apply_webhook). Only identities, branch names,
// SHAs, times and task keys: never messages, titles, descriptions or diffs.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/report/outcome_facts.hpp"

namespace codepulse::collector {

// A commit a push put on a branch.
struct PushedCommit {
  std::string branch;        // "refs/heads/" removed
  std::string sha;           // 40 lower-case hex digits
  int64_t time_ms = 0;       // its author date, ms UTC
  std::string author_email;  // "" when the vendor did not say
  // Read from the message in memory, which is then dropped (docs/DELIVERY.md):
  std::string parent_sha{};   // the commit before it in the push (the push's "before" for
                              // the first); "" when not known
  bool merge = false;         // a merge: more than one parent, GitHub's merge button
                              // (committer noreply@github.com) or git's "Merge ..." message
  std::string reverts_sha{};  // "This reverts commit <sha>": the commit it reverts
  bool hotfix = false;        // the message matched a hotfix pattern (hotfix_message_patterns)
  int64_t pushed_ms = 0;      // when the push was received (set by the store's caller)
  std::string task_keys{};    // the task keys the message names, comma-separated (find_task_keys)
  std::string fixes_sha{};    // a "Fixes: <sha>" trailer: the commit it fixes (7 to 40 hex digits)
};

// A deployment as one event describes it (docs/DELIVERY.md). GitHub's
// deployment and deployment_status events, release events, and the generic
// POST /v1/deployments all give one; events about one deployment merge.
struct DeploymentUpdate {
  std::string id;           // the sender's id of the deployment, unique per source
  std::string environment;  // "production", "staging" ...
  std::string sha;          // the deployed commit: 40 hex digits, or "" (then `ref`)
  std::string ref;          // the branch or tag deployed, when no sha is given
  bool production = false;  // the sender says it is production (GitHub production_environment)
  int64_t created_ms = 0;   // when the deployment was asked for
  // The state this event reports: "" (none), "queued", "pending", "in_progress",
  // "success", "failure", "error", "inactive"; and its time.
  std::string state;
  int64_t state_ms = 0;
};

// An incident (docs/DELIVERY.md): the generic POST /v1/incidents,
// PagerDuty's and Opsgenie's webhooks, a Jira issue of type Incident.
struct IncidentUpdate {
  std::string id;           // unique per source
  std::string environment;  // "" = production
  int64_t started_ms = 0;   // required in the first event about it
  int64_t resolved_ms = 0;  // 0 while open
};

// What one event says of a pull request; 0 and "" mean "this event does not
// say". The store merges events so their order does not matter
// (docs/COLLECTOR.md, "Pull requests from webhooks").
struct PullRequestUpdate {
  int64_t number = 0;
  std::string author;  // "github:LOGIN", "bitbucket:{UUID}"
  std::string head_branch, base_branch;
  std::string task_keys;  // found in the head branch and the title
  std::string head_sha, merge_sha;
  report::PullRequestFact::State state = report::PullRequestFact::State::kOpen;
  // The vendor's "updated" time of the pull request in this event: of two
  // events, the later one says which state it is in (a merge is final).
  // 0: the event does not describe the state (a review).
  int64_t event_ms = 0;
  int64_t opened_ms = 0;
  int64_t ready_ms = 0;  // it was out of draft at this time; 0: a draft, or not known
  int64_t merged_ms = 0, closed_ms = 0;
  // Its labels' names, newline-separated, as of labels_ms (the event's
  // time); labels_ms 0: the event does not say (a review, Bitbucket).
  std::string labels;
  int64_t labels_ms = 0;
};

struct PullRequestReview {
  std::string reviewer;  // named like PullRequestUpdate::author
  std::string state;     // "approved", "changes_requested", "commented", "unapproved"
  int64_t time_ms = 0;
};

struct WebhookEvent {
  enum Kind { kIgnored, kPush, kPullRequest, kReview, kDeployment, kIncident } kind = kIgnored;
  std::string event;  // "push", "pull_request.closed", "repo:push", "pullrequest:fulfilled"
  std::string repo;   // "github.com/OWNER/NAME", "bitbucket.org/OWNER/NAME"
  // kPush
  std::string pusher;  // who pushed, named like PullRequestUpdate::author
  std::vector<PushedCommit> commits;
  // kPullRequest, and kReview (the pull request reviewed)
  PullRequestUpdate pull_request;
  // kReview
  PullRequestReview review;
  // kDeployment (repo set), kIncident (repo "" when the sender names none)
  DeploymentUpdate deployment;
  IncidentUpdate incident;
};

struct WebhookDelivery {
  std::string source;       // "github", "bitbucket", "generic", "pagerduty", "opsgenie", "jira"
  std::string delivery_id;  // the vendor's id of this delivery; a redelivery repeats it
  int64_t received_ms = 0;
  WebhookEvent event;
};

struct WebhookOutcome {
  bool duplicate = false;     // this delivery id was applied before: nothing changed
  int64_t commits_new = 0;    // pushed commits not stored before
  int64_t reviews_new = 0;    // reviews not stored before
  bool pull_request = false;  // a pull request row was written
  bool deployment = false;    // a deployment row was written
  bool incident = false;      // an incident row was written
};

}  // namespace codepulse::collector
