// What both stores share about webhooks, whatever their SQL dialect: the
// parameters of each row an event writes (in the order the *_sql.hpp
// statements number them), and the read model assembled from the rows
// (report::PullRequestFact).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "collector/store/webhook_event.hpp"
#include "common/report/outcome_facts.hpp"
#include "common/result.hpp"

namespace codepulse::collector::webhook_rows {

using Value = std::variant<int64_t, std::string_view>;  // views into the delivery
using Params = std::vector<Value>;

// The statements one delivery runs, each store's SQL for them, in this order.
// A pushed commit naming its author is followed by the four that make a
// tracker's copy of it agree (commit_trust.hpp): drop a copy naming another
// author (its files, reworks, then the commit), then give the copy left the
// push's author, time and source.
enum class Write {
  kClaimDelivery,
  kPushedCommit,
  kDropContradictedFiles,
  kDropContradictedReworks,
  kDropContradictedCommit,
  kAdoptPushedAuthor,
  kPullRequest,
  kReview,
  kDeployment,
  kIncident
};
// Runs a statement with its parameters; returns the rows it changed.
using Runner = std::function<Result<int64_t>(Write, const Params&)>;

// Claims the delivery (kClaimDelivery); when that changes nothing, a
// duplicate and nothing more; otherwise its commits, pull request and review.
// The caller holds the transaction, and rolls a duplicate back.
Result<WebhookOutcome> write_delivery(const WebhookDelivery& d, const Runner& run);

// kClaimDelivery: source, delivery_id, event, received_ms.
Params delivery(const WebhookDelivery& d);
// kInsertPushedCommit: repo, branch, sha, time_ms, author_email, pusher, source,
// parent_sha, merge, reverts_sha, hotfix, pushed_ms (the delivery's received_ms).
Params pushed_commit(const WebhookDelivery& d, const PushedCommit& c);
// kDropContradicted*: repo, sha, author_email.
Params contradicted_copy(const WebhookEvent& e, const PushedCommit& c);
// kAdoptPushedAuthor: repo, sha, author_email, time_ms, source.
Params pushed_author(const WebhookDelivery& d, const PushedCommit& c);
// kInsertReview: repo, number, reviewer, time_ms, state.
Params review(const WebhookEvent& e);
// kUpsertPullRequest: repo, number, author, head_branch, base_branch,
// task_keys, head_sha, merge_sha, state, event_ms, opened_ms, ready_ms,
// merged_ms, closed_ms, labels, labels_ms.
Params pull_request(const WebhookEvent& e);

// kDeployment: source, id, repo, environment, sha, ref, production, created_ms,
// state, state_ms, success_ms, failure_ms (the last two: state_ms when the
// state is "success", or "failure"/"error"; else 0).
Params deployment(const WebhookDelivery& d);
// kIncident: source, id, repo, environment, started_ms, resolved_ms.
Params incident(const WebhookDelivery& d);

// "open", "merged", "closed" (the state column); parse_state is the inverse.
const char* state_name(report::PullRequestFact::State s);
std::optional<report::PullRequestFact::State> parse_state(std::string_view name);

// A commit pushed to a pull request's head branch (kSelectPullRequestCommits).
struct CommitRow {
  std::string repo;
  int64_t number = 0;
  std::string sha;
  int64_t time_ms = 0;
  std::string author_email, pusher;
};

// Builds the facts from the pull request rows (every field but the commits'
// read) and their commits, in commit time order:
// - first_commit_ms: the earliest of them;
// - commit_shas: each of them, then the head and the merge SHA, once each; an
//   abbreviated head SHA (Bitbucket) is completed from a pushed commit;
// - author_email: the author email of the earliest of them that the pull
//   request's author pushed (their own push names their own email; a commit
//   someone else pushed may be anyone's), else "".
//
// Both stores read the rows of kSelectPullRequests and
// kSelectPullRequestCommits with the readers below; `Row` has
// text(column) and int64(column).
class FactBuilder {
 public:
  void add(report::PullRequestFact fact);
  Status add_commit(CommitRow row);  // an error for a pull request not added
  std::vector<report::PullRequestFact> finish() &&;

 private:
  std::vector<report::PullRequestFact> facts_;
  std::map<std::pair<std::string, int64_t>, size_t> index_;
  std::vector<std::vector<CommitRow>> commits_;
};

// A row of kSelectPullRequests.
template <class Row>
Result<report::PullRequestFact> fact_of(const Row& row) {
  report::PullRequestFact f;
  f.repo = std::string(row.text(0));
  f.number = row.int64(1);
  f.author = std::string(row.text(2));
  f.head_branch = std::string(row.text(3));
  f.base_branch = std::string(row.text(4));
  f.task_keys = std::string(row.text(5));
  const auto state = parse_state(row.text(6));
  if (!state)
    return make_error("pull request " + f.repo + "#" + std::to_string(f.number) +
                      " has an unknown state in the store");
  f.state = *state;
  f.opened_ms = row.int64(7);
  f.ready_ms = row.int64(8);
  f.merged_ms = row.int64(9);
  f.closed_ms = row.int64(10);
  f.merge_sha = std::string(row.text(11));
  f.head_sha = std::string(row.text(12));
  f.first_review_ms = row.int64(13);
  return f;
}

// A row of kSelectPullRequestCommits.
template <class Row>
CommitRow commit_of(const Row& row) {
  return {std::string(row.text(0)), row.int64(1),
          std::string(row.text(2)), row.int64(3),
          std::string(row.text(4)), std::string(row.text(5))};
}

}  // namespace codepulse::collector::webhook_rows
