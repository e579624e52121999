#include "collector/ingest/github_webhook.hpp"

#include <algorithm>

#include "collector/ingest/webhook_json.hpp"
#include "common/task_keys.hpp"

namespace codepulse::collector {
namespace {

using namespace webhook_json;
using simdjson::dom::element;
using State = report::PullRequestFact::State;

constexpr size_t kMaxCommits = 2048;  // GitHub sends at most 2048 commits per push

Status read_push(element doc, const MessageRules& rules, WebhookEvent& out) {
  std::string ref;
  if (auto s = read_text(doc, "ref", "ref", ref); !s) return s;
  constexpr std::string_view kHeads = "refs/heads/";
  if (ref.rfind(kHeads, 0) != 0) {  // a tag: nothing to measure
    out.kind = WebhookEvent::kIgnored;
    return {};
  }
  const std::string branch = ref.substr(kHeads.size());
  if (auto s = read_account(doc, "sender", "login", "github:", "sender.login", out.pusher); !s)
    return s;
  simdjson::dom::array commits;
  if (doc["commits"].get_array().get(commits)) return make_error("field 'commits' is not an array");
  // The commits come oldest first, each the child of the one before; the
  // first is the child of "before" (all zeros for a new branch: none).
  std::string parent;
  if (auto s = read_sha(doc, "before", "before", false, parent); !s) return s;
  if (parent.find_first_not_of('0') == std::string::npos) parent.clear();
  for (element c : commits) {
    if (out.commits.size() >= kMaxCommits) return make_error("more than 2048 commits in one push");
    PushedCommit commit;
    commit.branch = branch;
    if (auto s = read_sha(c, "id", "a commit's id", true, commit.sha); !s) return s;
    if (auto s = read_time(c, "timestamp", "a commit's timestamp", true, commit.time_ms); !s)
      return s;
    element author;
    if (!c["author"].get(author) && author.is_object()) {
      if (auto s = read_text(author, "email", "a commit author's email", commit.author_email); !s)
        return s;
    }
    element committer;
    std::string_view committer_email;
    if (!c["committer"].get(committer) && committer.is_object())
      committer_email = text_of(committer, "email");
    // The message is read here and dropped: only its facts are kept.
    const MessageFacts facts = read_message(text_of(c, "message"), committer_email, 0, rules);
    commit.merge = facts.merge;
    commit.reverts_sha = facts.reverts_sha;
    commit.hotfix = facts.hotfix;
    commit.task_keys = facts.task_keys;
    commit.fixes_sha = facts.fixes_sha;
    commit.parent_sha = parent;
    parent = commit.sha;
    out.commits.push_back(std::move(commit));
  }
  return {};
}

// The pull request object; `with_state` for pull_request events, whose
// object says its state, not for reviews.
Status read_pull_request(element pr, const std::string& action, bool with_state,
                         PullRequestUpdate& out) {
  int64_t number = 0;
  if (pr["number"].get_int64().get(number) || number <= 0 ||
      number > webhook_json::kMaxPullRequestNumber)
    return make_error("pull_request.number is missing or not an integer from 1 to " +
                      std::to_string(webhook_json::kMaxPullRequestNumber));
  out.number = number;
  if (auto s = read_account(pr, "user", "login", "github:", "pull_request.user.login", out.author);
      !s)
    return s;
  element head, base;
  if (!pr["head"].get(head) && head.is_object()) {
    if (auto s = read_text(head, "ref", "pull_request.head.ref", out.head_branch); !s) return s;
    if (auto s = read_sha(head, "sha", "pull_request.head.sha", false, out.head_sha); !s) return s;
  }
  if (!pr["base"].get(base) && base.is_object()) {
    if (auto s = read_text(base, "ref", "pull_request.base.ref", out.base_branch); !s) return s;
  }
  // Only the keys of the title are kept.
  out.task_keys = find_task_keys(out.head_branch + "\n" + std::string(text_of(pr, "title")));
  if (auto s = read_time(pr, "created_at", "pull_request.created_at", with_state, out.opened_ms);
      !s)
    return s;
  if (!with_state) return {};
  bool draft = false;
  if (pr["draft"].get_bool().get(draft)) draft = false;
  if (auto s = read_time(pr, "updated_at", "pull_request.updated_at", true, out.event_ms); !s)
    return s;
  // Its labels: only their names, the first kMaxLabels (hotfix_labels:
  // docs/DELIVERY.md).
  constexpr size_t kMaxLabels = 32;
  simdjson::dom::array labels;
  if (!pr["labels"].get(labels)) {
    std::string names;
    size_t kept = 0;
    for (element label : labels) {
      std::string name;
      if (auto s = read_text(label, "name", "pull_request.labels[].name", name); !s) return s;
      if (name.empty() || kept == kMaxLabels) continue;
      ++kept;
      if (!names.empty()) names += '\n';
      names += name;
    }
    out.labels = std::move(names);
    out.labels_ms = out.event_ms;
  }
  if (auto s = read_time(pr, "closed_at", "pull_request.closed_at", false, out.closed_ms); !s)
    return s;
  if (auto s = read_time(pr, "merged_at", "pull_request.merged_at", false, out.merged_ms); !s)
    return s;
  if (!draft) out.ready_ms = action == "opened" ? out.opened_ms : out.event_ms;
  if (out.merged_ms > 0) {
    out.state = State::kMerged;
    // Before the merge GitHub names a test merge here: only a merge's counts.
    return read_sha(pr, "merge_commit_sha", "pull_request.merge_commit_sha", false, out.merge_sha);
  }
  if (out.closed_ms > 0) out.state = State::kClosed;
  return {};
}

Status read_review(element doc, WebhookEvent& out) {
  auto review = object_at(doc, "review", "field 'review'");
  if (!review) return review.error();
  if (auto s = read_account(*review, "user", "login", "github:", "review.user.login",
                            out.review.reviewer);
      !s)
    return s;
  if (auto s = read_text(*review, "state", "review.state", out.review.state); !s) return s;
  return read_time(*review, "submitted_at", "review.submitted_at", true, out.review.time_ms);
}

// The deployment object of deployment and deployment_status events.
Status read_deployment(element d, DeploymentUpdate& out) {
  int64_t id = 0;
  if (d["id"].get_int64().get(id) || id <= 0)
    return make_error("deployment.id is missing or not a positive integer");
  out.id = std::to_string(id);
  if (auto s = read_sha(d, "sha", "deployment.sha", true, out.sha); !s) return s;
  if (auto s = read_text(d, "ref", "deployment.ref", out.ref); !s) return s;
  if (auto s = read_text(d, "environment", "deployment.environment", out.environment); !s) return s;
  if (out.environment.empty()) return make_error("deployment.environment is missing");
  bool production = false;
  if (!d["production_environment"].get_bool().get(production)) out.production = production;
  return read_time(d, "created_at", "deployment.created_at", true, out.created_ms);
}

Status read_deployment_event(std::string_view event, element doc, WebhookEvent& out) {
  auto d = object_at(doc, "deployment", "field 'deployment'");
  if (!d) return d.error();
  if (auto s = read_deployment(*d, out.deployment); !s) return s;
  if (event == "deployment") return {};
  auto status = object_at(doc, "deployment_status", "field 'deployment_status'");
  if (!status) return status.error();
  if (auto s = read_text(*status, "state", "deployment_status.state", out.deployment.state); !s)
    return s;
  static constexpr std::string_view kStates[] = {"queued",  "pending", "in_progress", "success",
                                                 "failure", "error",   "inactive"};
  if (std::find(std::begin(kStates), std::end(kStates), out.deployment.state) == std::end(kStates))
    return make_error("deployment_status.state '" + out.deployment.state + "' is not one of " +
                      "queued, pending, in_progress, success, failure, error, inactive");
  // updated_at, else created_at: when the deployment reached this state.
  if (auto s = read_time(*status, "updated_at", "deployment_status.updated_at", false,
                         out.deployment.state_ms);
      !s)
    return s;
  if (out.deployment.state_ms == 0) {
    if (auto s = read_time(*status, "created_at", "deployment_status.created_at", true,
                           out.deployment.state_ms);
        !s)
      return s;
  }
  return {};
}

// A published release: a successful deployment of its commit (target_commitish
// when it is a SHA, else the branch it names) to release_environment.
Status read_release(element doc, WebhookEvent& out) {
  auto r = object_at(doc, "release", "field 'release'");
  if (!r) return r.error();
  int64_t id = 0;
  if ((*r)["id"].get_int64().get(id) || id <= 0)
    return make_error("release.id is missing or not a positive integer");
  DeploymentUpdate& d = out.deployment;
  d.id = "release:" + std::to_string(id);
  std::string target;
  if (auto s = read_text(*r, "target_commitish", "release.target_commitish", target); !s) return s;
  if (target.size() == 40 && target.find_first_not_of("0123456789abcdef") == std::string::npos)
    d.sha = target;
  else
    d.ref = target;
  if (d.sha.empty() && d.ref.empty()) return make_error("release.target_commitish is missing");
  if (auto s = read_time(*r, "published_at", "release.published_at", true, d.created_ms); !s)
    return s;
  d.environment = "release";
  d.state = "success";
  d.state_ms = d.created_ms;
  return {};
}

bool used_pull_request_action(std::string_view action) {
  for (std::string_view a : {"opened", "ready_for_review", "synchronize", "edited", "closed",
                             "reopened", "converted_to_draft"})
    if (action == a) return true;
  return false;
}

}  // namespace

Result<WebhookEvent> parse_github_webhook(std::string_view event, std::string_view body,
                                          const MessageRules& rules) {
  WebhookEvent out;
  if (event.empty() || !plain(event, 64)) return make_error("the X-GitHub-Event header is missing");
  out.event = std::string(event);
  simdjson::dom::parser parser;
  auto parsed = webhook_json::parse_object(parser, body);
  if (!parsed) return parsed.error();
  const element doc = *parsed;
  std::string action;
  if (auto s = read_text(doc, "action", "action", action); !s) return s.error();
  if (!action.empty()) out.event += "." + action;
  const bool deployment = event == "deployment" || event == "deployment_status";
  const bool release = event == "release";
  if (event != "push" && event != "pull_request" && event != "pull_request_review" && !deployment &&
      !release)
    return out;
  if (deployment && action != "created") return out;
  if (release && action != "published") return out;  // created, edited, prereleased ...
  if (event == "pull_request" && !used_pull_request_action(action)) return out;
  if (event == "pull_request_review" && action != "submitted") return out;  // edited, dismissed
  auto repo = repo_of(doc, "github.com");
  if (!repo) return repo.error();
  out.repo = std::move(repo).value();
  if (event == "push") {
    out.kind = WebhookEvent::kPush;
    if (auto s = read_push(doc, rules, out); !s) return s.error();
    return out;
  }
  if (deployment || release) {
    out.kind = WebhookEvent::kDeployment;
    if (auto s = deployment ? read_deployment_event(event, doc, out) : read_release(doc, out); !s)
      return s.error();
    return out;
  }
  auto pr = object_at(doc, "pull_request", "field 'pull_request'");
  if (!pr) return pr.error();
  const bool review = event == "pull_request_review";
  out.kind = review ? WebhookEvent::kReview : WebhookEvent::kPullRequest;
  if (auto s = read_pull_request(*pr, action, !review, out.pull_request); !s) return s.error();
  if (review) {
    if (auto s = read_review(doc, out); !s) return s.error();
  }
  return out;
}

}  // namespace codepulse::collector
