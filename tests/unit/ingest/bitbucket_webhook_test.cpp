// Bitbucket Cloud webhooks, with payloads shaped as Atlassian documents them
// ("Event payloads"; tests/fixtures/bitbucket), and Bitbucket's signature.
#include "collector/ingest/bitbucket_webhook.hpp"

#include <catch2/catch.hpp>

#include "collector/ingest/webhook_signature.hpp"
#include "tests/support/test_support.hpp"

using namespace codepulse;
using namespace codepulse::collector;
using State = report::PullRequestFact::State;

namespace {

std::string fixture(const std::string& name) {
  return test::read_file(std::string(CODEPULSE_SOURCE_DIR) + "/tests/fixtures/bitbucket/" + name);
}

constexpr const char* kC1 = "3f1c0ffee5a1b2c3d4e5f60718293a4b5c6d7e8f";
constexpr const char* kC2 = "5a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d";
constexpr const char* kDana = "bitbucket:{4c4a6b7e-1f0d-4d2a-9c3e-6a1b2c3d4e5f}";
constexpr const char* kRob = "bitbucket:{8b9c0d1e-2f3a-4b5c-8d7e-9f0a1b2c3d4e}";
constexpr const char* kErin = "bitbucket:{1a2b3c4d-5e6f-4a8b-9c0d-e1f2a3b4c5d6}";

// Replaces the first `from` in `text` (which must be there).
std::string edited(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

}  // namespace

TEST_CASE("Bitbucket signs like GitHub: sha256= HMAC of the raw body", "[bitbucket]") {
  const std::string body = fixture("repo_push.json");
  const std::string secret = "bitbucket-secret-0123456789";
  const std::string sig = hub_signature(secret, body);
  CHECK(sig.rfind("sha256=", 0) == 0);
  CHECK(sig.size() == 7 + 64);
  CHECK(hub_signature_valid(sig, secret, body));
  CHECK_FALSE(hub_signature_valid(sig, secret, body.substr(0, body.size() - 1)));
  CHECK_FALSE(hub_signature_valid(sig, "another-secret-0123456789", body));
}

TEST_CASE("repo:push gives each branch's commits and head, ignoring tags and messages",
          "[bitbucket]") {
  auto e = parse_bitbucket_webhook("repo:push", fixture("repo_push.json"));
  REQUIRE(e);
  CHECK(e->kind == WebhookEvent::kPush);
  CHECK(e->event == "repo:push");
  CHECK(e->repo == "bitbucket.org/acme/payments");
  CHECK(e->pusher == kDana);
  // The branch's two commits (newest first, as Bitbucket lists them); its
  // head is one of them, and the tag adds nothing.
  REQUIRE(e->commits.size() == 2);
  CHECK(e->commits[0].sha == kC2);
  CHECK(e->commits[0].branch == "feature/PAY-12-refunds");
  CHECK(e->commits[0].time_ms == 1767610800000);
  CHECK(e->commits[0].author_email == "dana@acme.example");
  CHECK(e->commits[1].sha == kC1);
  CHECK(e->commits[1].time_ms == 1767603600000);

  // Truncated to the newest commits: the head still counts.
  std::string only_head = fixture("repo_push.json");
  const auto list = only_head.find("\"commits\": [");
  REQUIRE(list != std::string::npos);
  const std::string close = "\n        ]";
  const auto end = only_head.find(close, list);
  REQUIRE(end != std::string::npos);
  only_head.replace(list, end + close.size() - list, "\"commits\": []");
  auto head = parse_bitbucket_webhook("repo:push", only_head);
  REQUIRE(head);
  REQUIRE(head->commits.size() == 1);
  CHECK(head->commits[0].sha == kC2);

  // A deleted branch (new: null) and a tag alone: nothing to measure.
  std::string deleted = fixture("repo_push.json");
  deleted = edited(deleted, "\"new\": {\n          \"type\": \"branch\"",
                   "\"new\": null, \"was\": {\n          \"type\": \"branch\"");
  auto gone = parse_bitbucket_webhook("repo:push", deleted);
  REQUIRE(gone);
  CHECK(gone->kind == WebhookEvent::kIgnored);
}

TEST_CASE("pull request events give the cycle time's points", "[bitbucket]") {
  auto created =
      parse_bitbucket_webhook("pullrequest:created", fixture("pullrequest_created.json"));
  REQUIRE(created);
  CHECK(created->kind == WebhookEvent::kPullRequest);
  CHECK(created->event == "pullrequest:created");
  CHECK(created->repo == "bitbucket.org/acme/payments");
  const PullRequestUpdate& pr = created->pull_request;
  CHECK(pr.number == 17);
  CHECK(pr.author == kDana);
  CHECK(pr.head_branch == "feature/PAY-12-refunds");
  CHECK(pr.base_branch == "main");
  CHECK(pr.head_sha == "5a1b2c3d4e5f");  // Bitbucket abbreviates
  CHECK(pr.task_keys == "PAY-12");
  CHECK(pr.state == State::kOpen);
  CHECK(pr.opened_ms == 1767614400123);
  CHECK(pr.ready_ms == 1767614400123);
  CHECK(pr.event_ms == 1767614400123);
  CHECK(pr.merged_ms == 0);
  CHECK(pr.closed_ms == 0);
  CHECK(pr.merge_sha.empty());

  auto updated =
      parse_bitbucket_webhook("pullrequest:updated", fixture("pullrequest_updated.json"));
  REQUIRE(updated);
  CHECK(updated->pull_request.task_keys == "PAY-12,PAY-14");
  CHECK(updated->pull_request.event_ms == 1767618600500);
  CHECK(updated->pull_request.ready_ms == 1767618600500);  // out of draft by then

  auto merged =
      parse_bitbucket_webhook("pullrequest:fulfilled", fixture("pullrequest_fulfilled.json"));
  REQUIRE(merged);
  CHECK(merged->pull_request.state == State::kMerged);
  CHECK(merged->pull_request.merged_ms == 1767693600000);
  CHECK(merged->pull_request.closed_ms == 1767693600000);
  CHECK(merged->pull_request.merge_sha == "8e7d6c5b4a3f");

  auto declined =
      parse_bitbucket_webhook("pullrequest:rejected", fixture("pullrequest_rejected.json"));
  REQUIRE(declined);
  CHECK(declined->pull_request.number == 18);
  CHECK(declined->pull_request.state == State::kClosed);
  CHECK(declined->pull_request.closed_ms == 1767864600000);
  CHECK(declined->pull_request.merged_ms == 0);
  CHECK(declined->pull_request.task_keys == "OPS-3");

  // A draft is not ready; SUPERSEDED is closed.
  auto draft = parse_bitbucket_webhook(
      "pullrequest:created",
      edited(fixture("pullrequest_created.json"), "\"draft\": false", "\"draft\": true"));
  REQUIRE(draft);
  CHECK(draft->pull_request.ready_ms == 0);
  auto superseded = parse_bitbucket_webhook(
      "pullrequest:updated", edited(fixture("pullrequest_updated.json"), "\"state\": \"OPEN\"",
                                    "\"state\": \"SUPERSEDED\""));
  REQUIRE(superseded);
  CHECK(superseded->pull_request.state == State::kClosed);
}

TEST_CASE("approvals and change requests are reviews", "[bitbucket]") {
  auto approved =
      parse_bitbucket_webhook("pullrequest:approved", fixture("pullrequest_approved.json"));
  REQUIRE(approved);
  CHECK(approved->kind == WebhookEvent::kReview);
  CHECK(approved->pull_request.number == 17);
  CHECK(approved->pull_request.author == kDana);
  CHECK(approved->pull_request.event_ms == 0);  // a review does not say the state
  CHECK(approved->review.reviewer == kRob);
  CHECK(approved->review.state == "approved");
  CHECK(approved->review.time_ms == 1767627000250);
  auto changes = parse_bitbucket_webhook("pullrequest:changes_request_created",
                                         fixture("pullrequest_changes_request_created.json"));
  REQUIRE(changes);
  CHECK(changes->kind == WebhookEvent::kReview);
  CHECK(changes->review.reviewer == kErin);
  CHECK(changes->review.state == "changes_requested");
  CHECK(changes->review.time_ms == 1767624300000);
  auto unapproved =
      parse_bitbucket_webhook("pullrequest:unapproved", fixture("pullrequest_approved.json"));
  REQUIRE(unapproved);
  CHECK(unapproved->review.state == "unapproved");
}

TEST_CASE("other Bitbucket events are ignored, bad bodies are refused with the reason",
          "[bitbucket]") {
  auto comment = parse_bitbucket_webhook("pullrequest:comment_created",
                                         fixture("pullrequest_comment_created.json"));
  REQUIRE(comment);
  CHECK(comment->kind == WebhookEvent::kIgnored);
  CHECK(comment->event == "pullrequest:comment_created");
  CHECK(parse_bitbucket_webhook("repo:fork", "{}")->kind == WebhookEvent::kIgnored);
  CHECK(parse_bitbucket_webhook("issue:created", "{\"issue\": {}}")->kind ==
        WebhookEvent::kIgnored);

  auto refused = [](std::string_view key, const std::string& body, const char* why) {
    auto r = parse_bitbucket_webhook(key, body);
    INFO(key << ": " << body.substr(0, 80));
    REQUIRE_FALSE(r);
    CHECK(r.error().message.find(why) != std::string::npos);
  };
  refused("", "{}", "X-Event-Key");
  refused("repo:push", "{\"push\": ", "not JSON");
  refused("pullrequest:created", "[1, 2]", "not a JSON object");
  const std::string push = fixture("repo_push.json");
  refused("repo:push", edited(push, "\"Acme/Payments\"", "\"AcmePayments\""), "OWNER/NAME");
  refused("repo:push", edited(push, std::string("\"hash\": \"") + kC2, "\"hash\": \"zz1b2c3d"),
          "40-digit SHA");
  refused("repo:push", edited(push, "\"2026-01-05T11:00:00+00:00\"", "\"last tuesday\""),
          "not an ISO-8601 time");
  refused("repo:push", edited(push, "\"push\": {", "\"pushed\": {"), "field 'push'");
  const std::string pr = fixture("pullrequest_created.json");
  refused("pullrequest:created", edited(pr, "\"id\": 17", "\"id\": \"17\""), "pullrequest.id");
  refused("pullrequest:created", edited(pr, "\"state\": \"OPEN\"", "\"state\": \"LIMBO\""),
          "pullrequest.state");
  refused("pullrequest:created", edited(pr, "\"created_on\"", "\"made_on\""),
          "pullrequest.created_on");
  refused("pullrequest:created", edited(pr, "\"hash\": \"5a1b2c3d4e5f\"", "\"hash\": \"5a1b\""),
          "pullrequest.source.commit.hash");
  refused("pullrequest:fulfilled", edited(pr, "\"pullrequest\": {", "\"pull_request\": {"),
          "field 'pullrequest'");
  refused("pullrequest:approved",
          edited(fixture("pullrequest_approved.json"), "\"approval\"", "\"approved\""),
          "field 'approval'");
  refused("pullrequest:approved",
          edited(fixture("pullrequest_approved.json"), "\"date\": \"2026", "\"date\": \"20x6"),
          "approval.date");
}

TEST_CASE("a build status a deploy rule names is a deployment of its commit, states mapped",
          "[bitbucket][delivery]") {
  MessageRules rules;
  auto deploys = parse_deploy_status_rules(kDefaultDeployStatusRules);
  REQUIRE(deploys);
  rules.deploy_statuses = std::move(deploys).value();

  auto created = parse_bitbucket_webhook("repo:commit_status_created",
                                         fixture("repo_commit_status_created.json"), rules);
  REQUIRE(created);
  CHECK(created->kind == WebhookEvent::kDeployment);
  CHECK(created->repo == "bitbucket.org/acme/payments");
  const DeploymentUpdate& d = created->deployment;
  CHECK(d.environment == "production");
  CHECK(d.sha == kC2);
  CHECK(d.ref == "main");
  CHECK(d.id == std::string("status:{9d2f7a10-4c3b-4e8a-b1d2-5e6f7a8b9c0d}@") + kC2);
  CHECK(d.state == "in_progress");
  CHECK(d.created_ms == 1'772'449'204'118);  // 2026-03-02T11:00:04.118Z
  CHECK(d.state_ms == 1'772'449'204'118);

  // The same status, updated: the same deployment, now successful.
  auto updated = parse_bitbucket_webhook("repo:commit_status_updated",
                                         fixture("repo_commit_status_updated.json"), rules);
  REQUIRE(updated);
  CHECK(updated->deployment.id == d.id);
  CHECK(updated->deployment.state == "success");
  CHECK(updated->deployment.state_ms == 1'772'449'601'532);  // 11:06:41.532
  CHECK(updated->deployment.created_ms == d.created_ms);
  for (const auto& [bitbucket, ours] :
       {std::pair{"FAILED", "failure"}, std::pair{"STOPPED", "error"}}) {
    auto e = parse_bitbucket_webhook("repo:commit_status_updated",
                                     edited(fixture("repo_commit_status_updated.json"),
                                            "\"SUCCESSFUL\"", std::string("\"") + bitbucket + "\""),
                                     rules);
    REQUIRE(e);
    CHECK(e->deployment.state == ours);
  }

  // A status no rule names (a build, a test run) is read and left alone; no
  // rule at all (bitbucket_deploy_statuses = "") reads none.
  const std::string build =
      edited(fixture("repo_commit_status_created.json"), ": deploy to production", ": unit tests");
  auto plain_build = parse_bitbucket_webhook("repo:commit_status_created", build, rules);
  REQUIRE(plain_build);
  CHECK(plain_build->kind == WebhookEvent::kIgnored);
  auto no_rules = parse_bitbucket_webhook("repo:commit_status_created",
                                          fixture("repo_commit_status_created.json"));
  REQUIRE(no_rules);
  CHECK(no_rules->kind == WebhookEvent::kIgnored);
  // The key alone may name it; the first matching rule gives the environment.
  auto keyed = parse_deploy_status_rules("staging=^stage-, production=prod");
  REQUIRE(keyed);
  MessageRules by_key;
  by_key.deploy_statuses = std::move(keyed).value();
  auto staged = parse_bitbucket_webhook(
      "repo:commit_status_created",
      edited(build, "{9d2f7a10-4c3b-4e8a-b1d2-5e6f7a8b9c0d}", "stage-eu-prod"), by_key);
  REQUIRE(staged);
  CHECK(staged->kind == WebhookEvent::kDeployment);
  CHECK(staged->deployment.environment == "staging");

  // Bad statuses: the field named.
  for (const auto& [from, to, named] :
       {std::tuple{"\"SUCCESSFUL\"", "\"DONE\"", "commit_status.state 'DONE'"},
        std::tuple{"\"hash\": \"5a1b", "\"hash\": \"zz1b", "commit_status.commit.hash"},
        std::tuple{"\"created_on\"", "\"made_on\"", "commit_status.created_on"},
        std::tuple{"\"key\": \"{9d2f", "\"clave\": \"{9d2f", "commit_status.key is missing"}}) {
    auto bad = parse_bitbucket_webhook("repo:commit_status_updated",
                                       edited(fixture("repo_commit_status_updated.json"), from, to),
                                       rules);
    REQUIRE_FALSE(bad);
    CHECK(bad.error().message.find(named) != std::string::npos);
  }
}

TEST_CASE("deploy status rules: ENVIRONMENT=PATTERN pairs, bad ones refused by name",
          "[bitbucket][delivery]") {
  auto none = parse_deploy_status_rules("");
  REQUIRE(none);
  CHECK(none->empty());
  auto two = parse_deploy_status_rules(" production = deploy.*prod , qa=^qa-");
  REQUIRE(two);
  REQUIRE(two->size() == 2);
  CHECK((*two)[1].environment == "qa");
  CHECK(deploy_rule_of(*two, "Deploy to PROD", "") == &(*two)[0]);
  CHECK(deploy_rule_of(*two, "build", "qa-7") == &(*two)[1]);
  CHECK(deploy_rule_of(*two, "build", "key") == nullptr);
  for (const char* bad : {"production", "=deploy", "production=", "prod env=deploy",
                          "production=deploy(", "production=[x"}) {
    auto r = parse_deploy_status_rules(bad);
    REQUIRE_FALSE(r);
    CHECK(r.error().message.find("deploy status rule") != std::string::npos);
  }
}
