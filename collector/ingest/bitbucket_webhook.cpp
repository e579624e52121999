#include "collector/ingest/bitbucket_webhook.hpp"

#include <algorithm>

#include "collector/ingest/webhook_json.hpp"
#include "common/task_keys.hpp"

namespace codepulse::collector {
namespace {

using namespace webhook_json;
using simdjson::dom::element;
using State = report::PullRequestFact::State;

constexpr size_t kMaxCommits = 2048;

// A commit object of a push: hash, date, author.raw "Name <email>".
Result<PushedCommit> read_commit(element c, const std::string& branch, const MessageRules& rules) {
  PushedCommit out;
  out.branch = branch;
  if (auto s = read_sha(c, "hash", "a pushed commit's hash", true, out.sha); !s) return s.error();
  if (auto s = read_time(c, "date", "a pushed commit's date", true, out.time_ms); !s)
    return s.error();
  element author;
  if (!c["author"].get(author) && author.is_object()) {
    auto email =
        plain_text(email_of_author_line(text_of(author, "raw")), "a commit author's email");
    if (!email) return email.error();
    out.author_email = std::move(email).value();
  }
  // Bitbucket lists the parents; the message is read here and dropped.
  size_t parents = 0;
  simdjson::dom::array parent_list;
  if (!c["parents"].get_array().get(parent_list)) {
    for (element p : parent_list) {
      if (parents++ == 0) {
        if (auto s = read_sha(p, "hash", "a parent's hash", false, out.parent_sha); !s)
          return s.error();
      }
    }
  }
  const MessageFacts facts = read_message(text_of(c, "message"), "", parents, rules);
  out.merge = facts.merge;
  out.reverts_sha = facts.reverts_sha;
  out.hotfix = facts.hotfix;
  out.task_keys = facts.task_keys;
  out.fixes_sha = facts.fixes_sha;
  return out;
}

// The commits of one change of a push: those listed (at most five, newest
// first) and the branch's new head, which a truncated list may leave out.
Status read_change(element next, element change, const MessageRules& rules,
                   std::vector<PushedCommit>& out) {
  std::string branch;
  if (auto s = read_text(next, "name", "push.changes[].new.name", branch); !s) return s;
  if (branch.empty()) return make_error("push.changes[].new.name is missing");
  simdjson::dom::array commits;
  if (!change["commits"].get_array().get(commits)) {
    for (element c : commits) {
      if (out.size() >= kMaxCommits) return make_error("too many commits in one push");
      auto commit = read_commit(c, branch, rules);
      if (!commit) return commit.error();
      out.push_back(std::move(commit).value());
    }
  }
  auto target = object_at(next, "target", "push.changes[].new.target");
  if (!target) return target.error();
  auto head = read_commit(*target, branch, rules);
  if (!head) return head.error();
  if (std::none_of(out.begin(), out.end(), [&](const PushedCommit& c) {
        return c.sha == head->sha && c.branch == head->branch;
      }))
    out.push_back(std::move(head).value());
  return {};
}

Status read_push(element doc, const MessageRules& rules, WebhookEvent& out) {
  auto push = object_at(doc, "push", "field 'push'");
  if (!push) return push.error();
  simdjson::dom::array changes;
  if ((*push)["changes"].get_array().get(changes))
    return make_error("field 'push.changes' is not an array");
  bool any_branch = false;
  for (element change : changes) {
    element next;  // null when the branch was deleted
    if (change["new"].get(next) || !next.is_object()) continue;
    if (text_of(next, "type") != "branch") continue;  // a tag
    any_branch = true;
    if (auto s = read_change(next, change, rules, out.commits); !s) return s;
  }
  if (!any_branch) {
    out.kind = WebhookEvent::kIgnored;
    return {};
  }
  return read_account(doc, "actor", "uuid", "bitbucket:", "actor.uuid", out.pusher);
}

Result<State> state_of(std::string_view state) {
  if (state == "OPEN") return State::kOpen;
  if (state == "MERGED") return State::kMerged;
  if (state == "DECLINED" || state == "SUPERSEDED") return State::kClosed;
  return make_error("pullrequest.state is not OPEN, MERGED, DECLINED or SUPERSEDED");
}

// source/destination: {branch: {name}, commit: {hash}}.
Status read_side(element pr, const char* side, std::string& branch, std::string* sha) {
  element s, b, c;
  if (pr[side].get(s) || !s.is_object()) return {};
  const std::string what = std::string("pullrequest.") + side;
  if (!s["branch"].get(b) && b.is_object()) {
    if (auto st = read_text(b, "name", what + ".branch.name", branch); !st) return st;
  }
  if (sha && !s["commit"].get(c) && c.is_object())
    return read_sha(c, "hash", what + ".commit.hash", false, *sha);
  return {};
}

// The pull request object; `with_state` for pull request events, not reviews.
Status read_pull_request(element pr, std::string_view action, bool with_state,
                         PullRequestUpdate& out) {
  int64_t id = 0;
  if (pr["id"].get_int64().get(id) || id <= 0 || id > webhook_json::kMaxPullRequestNumber)
    return make_error("pullrequest.id is missing or not an integer from 1 to " +
                      std::to_string(webhook_json::kMaxPullRequestNumber));
  out.number = id;
  if (auto s =
          read_account(pr, "author", "uuid", "bitbucket:", "pullrequest.author.uuid", out.author);
      !s)
    return s;
  if (auto s = read_side(pr, "source", out.head_branch, &out.head_sha); !s) return s;
  if (auto s = read_side(pr, "destination", out.base_branch, nullptr); !s) return s;
  // Only the keys of the title are kept.
  out.task_keys = find_task_keys(out.head_branch + "\n" + std::string(text_of(pr, "title")));
  if (auto s = read_time(pr, "created_on", "pullrequest.created_on", with_state, out.opened_ms); !s)
    return s;
  if (!with_state) return {};
  if (auto s = read_time(pr, "updated_on", "pullrequest.updated_on", true, out.event_ms); !s)
    return s;
  auto state = state_of(text_of(pr, "state"));
  if (!state) return state.error();
  out.state = *state;
  bool draft = false;
  if (pr["draft"].get_bool().get(draft)) draft = false;
  if (!draft) out.ready_ms = action == "created" ? out.opened_ms : out.event_ms;
  // Bitbucket gives no merge or decline time: the update that made it so.
  if (out.state != State::kOpen) out.closed_ms = out.event_ms;
  if (out.state != State::kMerged) return {};
  out.merged_ms = out.event_ms;
  element merge;
  if (pr["merge_commit"].get(merge) || !merge.is_object()) return {};
  return read_sha(merge, "hash", "pullrequest.merge_commit.hash", false, out.merge_sha);
}

// approval {date, user} or changes_request {date, user}.
Status read_review(element doc, const std::string& key, const char* state, WebhookEvent& out) {
  auto review = object_at(doc, key.c_str(), "field '" + key + "'");
  if (!review) return review.error();
  if (auto s = read_account(*review, "user", "uuid", "bitbucket:", key + ".user.uuid",
                            out.review.reviewer);
      !s)
    return s;
  out.review.state = state;
  return read_time(*review, "date", key + ".date", true, out.review.time_ms);
}

// A build status (repo:commit_status_created or _updated) whose name or key
// a deploy status rule matches: a deployment of its commit to the rule's
// environment, one per commit and status key, its state the status's.
Status read_commit_status(element doc, const MessageRules& rules, WebhookEvent& out) {
  auto status = object_at(doc, "commit_status", "field 'commit_status'");
  if (!status) return status.error();
  std::string key, name, state;
  if (auto s = read_text(*status, "key", "commit_status.key", key); !s) return s;
  if (key.empty()) return make_error("commit_status.key is missing");
  if (auto s = read_text(*status, "name", "commit_status.name", name); !s) return s;
  const DeployStatusRule* rule = deploy_rule_of(rules.deploy_statuses, name, key);
  if (rule == nullptr) return {};  // a build or a test run, not a deployment
  DeploymentUpdate& d = out.deployment;
  auto commit = object_at(*status, "commit", "commit_status.commit");
  if (!commit) return commit.error();
  if (auto s = read_sha(*commit, "hash", "commit_status.commit.hash", true, d.sha); !s) return s;
  if (auto s = read_text(*status, "refname", "commit_status.refname", d.ref); !s) return s;
  if (auto s = read_text(*status, "state", "commit_status.state", state); !s) return s;
  static constexpr std::pair<std::string_view, const char*> kStates[] = {
      {"INPROGRESS", "in_progress"},
      {"SUCCESSFUL", "success"},
      {"FAILED", "failure"},
      {"STOPPED", "error"}};
  for (const auto& [bitbucket, ours] : kStates)
    if (state == bitbucket) d.state = ours;
  if (d.state.empty())
    return make_error("commit_status.state '" + state +
                      "' is not one of INPROGRESS, SUCCESSFUL, FAILED, STOPPED");
  if (auto s = read_time(*status, "created_on", "commit_status.created_on", true, d.created_ms); !s)
    return s;
  // updated_on, else created_on: when the status reached this state.
  if (auto s = read_time(*status, "updated_on", "commit_status.updated_on", false, d.state_ms); !s)
    return s;
  if (d.state_ms == 0) d.state_ms = d.created_ms;
  d.id = "status:" + key + "@" + d.sha;
  d.environment = rule->environment;
  out.kind = WebhookEvent::kDeployment;
  return {};
}

}  // namespace

Result<WebhookEvent> parse_bitbucket_webhook(std::string_view event_key, std::string_view body,
                                             const MessageRules& rules) {
  WebhookEvent out;
  if (event_key.empty() || !plain(event_key, 64))
    return make_error("the X-Event-Key header is missing");
  out.event = std::string(event_key);
  simdjson::dom::parser parser;
  auto parsed = webhook_json::parse_object(parser, body);
  if (!parsed) return parsed.error();
  const element doc = *parsed;
  constexpr std::string_view kPr = "pullrequest:";
  const std::string_view action =
      event_key.rfind(kPr, 0) == 0 ? event_key.substr(kPr.size()) : std::string_view();
  const char* review_key = action == "approved" || action == "unapproved" ? "approval"
                           : action == "changes_request_created"          ? "changes_request"
                                                                          : nullptr;
  const bool pr_event =
      action == "created" || action == "updated" || action == "fulfilled" || action == "rejected";
  const bool status_event =
      event_key == "repo:commit_status_created" || event_key == "repo:commit_status_updated";
  if (event_key != "repo:push" && !pr_event && !review_key && !status_event) return out;
  auto repo = repo_of(doc, "bitbucket.org");
  if (!repo) return repo.error();
  out.repo = std::move(repo).value();
  if (event_key == "repo:push") {
    out.kind = WebhookEvent::kPush;
    if (auto s = read_push(doc, rules, out); !s) return s.error();
    return out;
  }
  if (status_event) {
    if (auto s = read_commit_status(doc, rules, out); !s) return s.error();
    return out;
  }
  auto pr = object_at(doc, "pullrequest", "field 'pullrequest'");
  if (!pr) return pr.error();
  out.kind = review_key ? WebhookEvent::kReview : WebhookEvent::kPullRequest;
  if (auto s = read_pull_request(*pr, action, !review_key, out.pull_request); !s) return s.error();
  if (review_key) {
    const char* state = action == "approved"     ? "approved"
                        : action == "unapproved" ? "unapproved"
                                                 : "changes_requested";
    if (auto s = read_review(doc, review_key, state, out); !s) return s.error();
  }
  return out;
}

}  // namespace codepulse::collector
