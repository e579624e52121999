// What every parsed GitHub or Bitbucket webhook event must be, whatever the
// body: only identities, branches, SHAs, times and task keys, within their
// limits (collector/store/webhook_event.hpp); and the same event each time.
#pragma once

#include <string>
#include <string_view>

#include "collector/store/webhook_event.hpp"
#include "tests/fuzz/fuzz_checks.hpp"

namespace codepulse::fuzz {

// Every field, for comparing two parses of one body.
inline std::string describe(const collector::WebhookEvent& e) {
  std::string out = std::to_string(e.kind) + "|" + e.event + "|" + e.repo + "|" + e.pusher;
  for (const auto& c : e.commits)
    out += "|" + c.branch + "," + c.sha + "," + std::to_string(c.time_ms) + "," + c.author_email;
  const auto& pr = e.pull_request;
  out += "|" + std::to_string(pr.number) + "," + pr.author + "," + pr.head_branch + "," +
         pr.base_branch + "," + pr.task_keys + "," + pr.head_sha + "," + pr.merge_sha + "," +
         std::to_string(static_cast<int>(pr.state)) + "," + std::to_string(pr.event_ms) + "," +
         std::to_string(pr.opened_ms) + "," + std::to_string(pr.ready_ms) + "," +
         std::to_string(pr.merged_ms) + "," + std::to_string(pr.closed_ms);
  out += "|" + e.review.reviewer + "," + e.review.state + "," + std::to_string(e.review.time_ms);
  return out;
}

// `host` is "github.com/" or "bitbucket.org/".
inline void check_event(const collector::WebhookEvent& e, std::string_view host) {
  if (e.kind == collector::WebhookEvent::kIgnored) return;
  expect(e.repo.rfind(host, 0) == 0 && e.repo.size() > host.size(), "repository on its host");
  expect(no_control(e.repo) && no_control(e.pusher) && no_control(e.event), "plain names");
  expect(e.commits.size() <= 2048, "at most 2048 commits");
  for (const auto& c : e.commits) {
    expect(hex(c.sha, 40, 40), "a pushed commit has a 40-digit SHA");
    expect(!c.branch.empty() && c.branch.size() <= 256 && no_control(c.branch),
           "a pushed commit has a plain branch");
    expect(c.author_email.size() <= 256 && no_control(c.author_email), "a plain author email");
  }
  const auto& pr = e.pull_request;
  if (e.kind != collector::WebhookEvent::kPush) expect(pr.number > 0, "a pull request number");
  expect(task_keys_shaped(pr.task_keys), "a title gives its task keys only");
  expect(pr.head_sha.empty() || hex(pr.head_sha, 7, 40), "a head SHA");
  expect(pr.merge_sha.empty() || hex(pr.merge_sha, 7, 40), "a merge SHA");
  for (const std::string* s : {&pr.author, &pr.head_branch, &pr.base_branch})
    expect(s->size() <= 512 && no_control(*s), "plain pull request names");
  if (e.kind == collector::WebhookEvent::kReview) {
    // GitHub's review state is kept as sent (a plain word, maybe none);
    // Bitbucket's is one of four, checked by its harness.
    expect(e.review.state.size() <= 256 && no_control(e.review.state), "a plain review state");
    expect(no_control(e.review.reviewer), "a plain reviewer");
  }
}

inline bool known_review_state(const std::string& state) {
  return state == "approved" || state == "changes_requested" || state == "commented" ||
         state == "unapproved";
}

// Parses a body twice (`parse` returns a Result<WebhookEvent>): the same
// answer each time, and an event that passes check_event, or an error that
// says what is wrong in a few words of its own, never the body. Returns the
// event (kIgnored after an error).
template <class Parse>
collector::WebhookEvent check_parse(const Parse& parse, std::string_view host) {
  auto e = parse();
  auto again = parse();
  expect(e.ok() == again.ok(), "the same answer each time");
  if (!e) {
    expect(e.error().message.size() <= 200, "an error message of at most 200 bytes");
    return {};
  }
  check_event(*e, host);
  expect(describe(*e) == describe(*again), "the same event each time");
  return *e;
}

}  // namespace codepulse::fuzz
