#include "collector/store/webhook_rows.hpp"

#include <algorithm>

namespace codepulse::collector::webhook_rows {

using State = report::PullRequestFact::State;

Params delivery(const WebhookDelivery& d) {
  return {d.source, d.delivery_id, d.event.event, d.received_ms};
}

Params pushed_commit(const WebhookDelivery& d, const PushedCommit& c) {
  return {d.event.repo,      c.branch,      c.sha,        c.time_ms,        c.author_email,
          d.event.pusher,    d.source,      c.parent_sha, int64_t{c.merge}, c.reverts_sha,
          int64_t{c.hotfix}, d.received_ms, c.task_keys,  c.fixes_sha};
}

Params deployment(const WebhookDelivery& d) {
  const DeploymentUpdate& u = d.event.deployment;
  const bool success = u.state == "success";
  const bool failure = u.state == "failure" || u.state == "error";
  return {d.source,
          u.id,
          d.event.repo,
          u.environment,
          u.sha,
          u.ref,
          int64_t{u.production},
          u.created_ms,
          u.state,
          u.state_ms,
          success ? u.state_ms : int64_t{0},
          failure ? u.state_ms : int64_t{0}};
}

Params incident(const WebhookDelivery& d) {
  const IncidentUpdate& u = d.event.incident;
  return {d.source, u.id, d.event.repo, u.environment, u.started_ms, u.resolved_ms};
}

Params contradicted_copy(const WebhookEvent& e, const PushedCommit& c) {
  return {e.repo, c.sha, c.author_email};
}

Params pushed_author(const WebhookDelivery& d, const PushedCommit& c) {
  return {d.event.repo, c.sha, c.author_email, c.time_ms, d.source};
}

Params review(const WebhookEvent& e) {
  return {e.repo, e.pull_request.number, e.review.reviewer, e.review.time_ms, e.review.state};
}

Params pull_request(const WebhookEvent& e) {
  const PullRequestUpdate& p = e.pull_request;
  return {e.repo,        p.number,      p.author,
          p.head_branch, p.base_branch, p.task_keys,
          p.head_sha,    p.merge_sha,   std::string_view(state_name(p.state)),
          p.event_ms,    p.opened_ms,   p.ready_ms,
          p.merged_ms,   p.closed_ms,   p.labels,
          p.labels_ms};
}

Result<WebhookOutcome> write_delivery(const WebhookDelivery& d, const Runner& run) {
  WebhookOutcome out;
  auto claimed = run(Write::kClaimDelivery, delivery(d));
  if (!claimed) return claimed.error();
  if (*claimed == 0) {
    out.duplicate = true;
    return out;
  }
  const WebhookEvent& e = d.event;
  for (const PushedCommit& c : e.commits) {
    auto added = run(Write::kPushedCommit, pushed_commit(d, c));
    if (!added) return added.error();
    out.commits_new += *added;
    if (c.author_email.empty()) continue;  // says nothing of the author
    for (const Write w : {Write::kDropContradictedFiles, Write::kDropContradictedReworks,
                          Write::kDropContradictedCommit})
      if (auto dropped = run(w, contradicted_copy(e, c)); !dropped) return dropped.error();
    if (auto adopted = run(Write::kAdoptPushedAuthor, pushed_author(d, c)); !adopted)
      return adopted.error();
  }
  if (e.kind == WebhookEvent::kPullRequest || e.kind == WebhookEvent::kReview) {
    auto written = run(Write::kPullRequest, pull_request(e));
    if (!written) return written.error();
    out.pull_request = true;
  }
  if (e.kind == WebhookEvent::kReview) {
    auto added = run(Write::kReview, review(e));
    if (!added) return added.error();
    out.reviews_new += *added;
  }
  if (e.kind == WebhookEvent::kDeployment) {
    auto written = run(Write::kDeployment, deployment(d));
    if (!written) return written.error();
    out.deployment = true;
  }
  if (e.kind == WebhookEvent::kIncident) {
    auto written = run(Write::kIncident, incident(d));
    if (!written) return written.error();
    out.incident = true;
  }
  return out;
}

namespace {

constexpr std::pair<State, const char*> kStates[] = {
    {State::kOpen, "open"}, {State::kMerged, "merged"}, {State::kClosed, "closed"}};

}  // namespace

const char* state_name(State s) {
  for (const auto& [state, name] : kStates)
    if (state == s) return name;
  return "open";
}

std::optional<State> parse_state(std::string_view name) {
  for (const auto& [state, text] : kStates)
    if (name == text) return state;
  return std::nullopt;
}

void FactBuilder::add(report::PullRequestFact fact) {
  index_[{fact.repo, fact.number}] = facts_.size();
  facts_.push_back(std::move(fact));
  commits_.emplace_back();
}

Status FactBuilder::add_commit(CommitRow row) {
  const auto at = index_.find({row.repo, row.number});
  if (at == index_.end())
    return make_error("pushed commit " + row.sha + " names pull request " + row.repo + "#" +
                      std::to_string(row.number) + ", which was not read");
  commits_[at->second].push_back(std::move(row));
  return {};
}

std::vector<report::PullRequestFact> FactBuilder::finish() && {
  for (size_t i = 0; i < facts_.size(); ++i) {
    report::PullRequestFact& f = facts_[i];
    std::vector<CommitRow>& commits = commits_[i];
    std::stable_sort(commits.begin(), commits.end(),
                     [](const CommitRow& a, const CommitRow& b) { return a.time_ms < b.time_ms; });
    auto add_sha = [&f](const std::string& sha) {
      if (!sha.empty() &&
          std::find(f.commit_shas.begin(), f.commit_shas.end(), sha) == f.commit_shas.end())
        f.commit_shas.push_back(sha);
    };
    for (const CommitRow& c : commits) {
      if (f.first_commit_ms == 0) f.first_commit_ms = c.time_ms;
      if (f.author_email.empty() && !f.author.empty() && c.pusher == f.author)
        f.author_email = c.author_email;
      add_sha(c.sha);
      if (f.head_sha.size() < 40 && !f.head_sha.empty() && c.sha.rfind(f.head_sha, 0) == 0)
        f.head_sha = c.sha;
    }
    add_sha(f.head_sha);
    add_sha(f.merge_sha);
  }
  return std::move(facts_);
}

}  // namespace codepulse::collector::webhook_rows
