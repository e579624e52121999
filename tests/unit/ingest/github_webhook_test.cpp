// GitHub webhooks, with payloads shaped as GitHub documents them
// (tests/fixtures/github), and the X-Hub-Signature-256 check.
#include "collector/ingest/github_webhook.hpp"

#include <catch2/catch.hpp>

#include "collector/ingest/webhook_json.hpp"
#include "collector/ingest/webhook_signature.hpp"
#include "tests/support/test_support.hpp"

using namespace codepulse;
using namespace codepulse::collector;

namespace {

std::string fixture(const std::string& name) {
  return test::read_file(std::string(CODEPULSE_SOURCE_DIR) + "/tests/fixtures/github/" + name);
}

}  // namespace

TEST_CASE("signatures: GitHub's documented example, any change refused", "[github]") {
  // docs.github.com, "Validating webhook deliveries": this secret and payload
  // give this signature.
  const std::string secret = "It's a Secret to Everybody";
  const std::string body = "Hello, World!";
  const std::string sig = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
  CHECK(hub_signature(secret, body) == sig);
  CHECK(hub_signature_valid(sig, secret, body));
  std::string upper = sig;
  for (size_t i = 7; i < upper.size(); ++i)
    upper[i] = static_cast<char>(std::toupper(upper[i]));
  CHECK(hub_signature_valid(upper, secret, body));
  CHECK_FALSE(hub_signature_valid(sig, secret, body + " "));
  CHECK_FALSE(hub_signature_valid(sig, secret + "x", body));
  CHECK_FALSE(hub_signature_valid(sig, "", body));
  CHECK_FALSE(hub_signature_valid("", secret, body));
  CHECK_FALSE(hub_signature_valid("sha1=" + sig.substr(7), secret, body));
  CHECK_FALSE(hub_signature_valid(sig.substr(0, sig.size() - 1), secret, body));
  std::string flipped = sig;
  flipped.back() = flipped.back() == '7' ? '8' : '7';
  CHECK_FALSE(hub_signature_valid(flipped, secret, body));
  std::string not_hex = sig;
  not_hex[10] = 'g';
  CHECK_FALSE(hub_signature_valid(not_hex, secret, body));
}

TEST_CASE("a push gives its branch and commits, without messages", "[github]") {
  auto e = parse_github_webhook("push", fixture("push.json"));
  REQUIRE(e);
  CHECK(e->kind == WebhookEvent::kPush);
  CHECK(e->event == "push");
  CHECK(e->repo == "github.com/acme/api");
  CHECK(e->pusher == "github:dana");
  REQUIRE(e->commits.size() == 1);
  const PushedCommit& c = e->commits[0];
  CHECK(c.branch == "feature/PROJ-7-saved-cards");
  CHECK(c.sha == "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c");
  CHECK(c.time_ms == 1767261600000);  // 11:00 at +01:00 is 10:00 UTC
  CHECK(c.author_email == "dana@acme.example");
  // A tag push is ignored.
  std::string tag = fixture("push.json");
  tag.replace(tag.find("refs/heads/"), 11, "refs/tags/v");
  CHECK(parse_github_webhook("push", tag)->kind == WebhookEvent::kIgnored);
}

TEST_CASE("a merged pull request and a review give the cycle time's points", "[github]") {
  auto e = parse_github_webhook("pull_request", fixture("pull_request_closed.json"));
  REQUIRE(e);
  CHECK(e->kind == WebhookEvent::kPullRequest);
  CHECK(e->event == "pull_request.closed");
  const PullRequestUpdate& pr = e->pull_request;
  CHECK(pr.number == 42);
  CHECK(pr.author == "github:dana");
  CHECK(pr.head_branch == "feature/PROJ-7-saved-cards");
  CHECK(pr.base_branch == "main");
  CHECK(pr.task_keys == "PROJ-7");  // the title's text is not kept, only keys
  CHECK(pr.head_sha == "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c");
  CHECK(pr.state == report::PullRequestFact::State::kMerged);
  CHECK(pr.opened_ms == 1767263400000);
  CHECK(pr.event_ms == 1767344400000);
  CHECK(pr.ready_ms == 1767344400000);  // not a draft when this event was sent
  CHECK(pr.merged_ms == 1767344400000);
  CHECK(pr.closed_ms == 1767344400000);
  CHECK(pr.merge_sha == "e5bd3914e2e596debea16f433f57875b5b90bcd6");
  auto review = parse_github_webhook("pull_request_review", fixture("pull_request_review.json"));
  REQUIRE(review);
  CHECK(review->kind == WebhookEvent::kReview);
  CHECK(review->event == "pull_request_review.submitted");
  CHECK(review->pull_request.number == 42);
  CHECK(review->pull_request.author == "github:dana");
  CHECK(review->pull_request.event_ms == 0);  // a review does not say the state
  CHECK(review->review.reviewer == "github:rob");
  CHECK(review->review.state == "approved");
  CHECK(review->review.time_ms == 1767282300000);
}

TEST_CASE("a draft is not ready until ready_for_review, an open PR names no merge", "[github]") {
  std::string opened = fixture("pull_request_closed.json");
  auto set = [&opened](const std::string& from, const std::string& to) {
    const auto at = opened.find(from);
    REQUIRE(at != std::string::npos);
    opened.replace(at, from.size(), to);
  };
  set("\"action\": \"closed\"", "\"action\": \"opened\"");
  set("\"draft\": false", "\"draft\": true");
  set("\"closed_at\": \"2026-01-02T09:00:00Z\"", "\"closed_at\": null");
  set("\"merged_at\": \"2026-01-02T09:00:00Z\"", "\"merged_at\": null");
  set("\"merged\": true", "\"merged\": false");
  auto draft = parse_github_webhook("pull_request", opened);
  REQUIRE(draft);
  CHECK(draft->pull_request.state == report::PullRequestFact::State::kOpen);
  CHECK(draft->pull_request.ready_ms == 0);
  CHECK(draft->pull_request.merged_ms == 0);
  CHECK(draft->pull_request.merge_sha.empty());  // GitHub's test merge is not a merge
  set("\"draft\": true", "\"draft\": false");
  auto ready = parse_github_webhook("pull_request", opened);
  REQUIRE(ready);
  CHECK(ready->pull_request.ready_ms == ready->pull_request.opened_ms);
  set("\"action\": \"opened\"", "\"action\": \"ready_for_review\"");
  auto later = parse_github_webhook("pull_request", opened);
  REQUIRE(later);
  CHECK(later->event == "pull_request.ready_for_review");
  CHECK(later->pull_request.ready_ms == later->pull_request.event_ms);
}

TEST_CASE("other GitHub events are ignored, bad bodies are refused with the reason", "[github]") {
  CHECK(parse_github_webhook("ping", "{\"zen\": \"Keep it logically awesome.\"}")->kind ==
        WebhookEvent::kIgnored);
  CHECK(parse_github_webhook("issues", "{\"action\": \"opened\"}")->kind == WebhookEvent::kIgnored);
  std::string labeled = fixture("pull_request_closed.json");
  labeled.replace(labeled.find("\"closed\""), 8, "\"labeled\"");
  CHECK(parse_github_webhook("pull_request", labeled)->kind == WebhookEvent::kIgnored);

  auto refused = [](std::string_view event, const std::string& body, const char* why) {
    auto r = parse_github_webhook(event, body);
    INFO(body.substr(0, 80));
    REQUIRE_FALSE(r);
    CHECK(r.error().message.find(why) != std::string::npos);
  };
  refused("", "{}", "X-GitHub-Event");
  refused("push", "{\"ref\": ", "not JSON");
  refused("push", "[]", "not a JSON object");
  std::string no_repo = fixture("push.json");
  no_repo.replace(no_repo.find("\"Acme/API\""), 10, "\"AcmeAPI\"");
  refused("push", no_repo, "OWNER/NAME");
  std::string bad_sha = fixture("push.json");
  bad_sha.replace(bad_sha.find("\"id\": \"0d1a"), 11, "\"id\": \"XYZ1");
  refused("push", bad_sha, "40-digit SHA");
  std::string bad_time = fixture("pull_request_closed.json");
  bad_time.replace(bad_time.find("2026-01-01T10:30:00Z"), 20, "yesterday at ten    ");
  refused("pull_request", bad_time, "pull_request.created_at");
  std::string bad_number = fixture("pull_request_closed.json");
  bad_number.replace(bad_number.find("\"number\": 42,\n    \"state\""), 12, "\"number\": -1");
  refused("pull_request", bad_number, "pull_request.number");
}

TEST_CASE("webhook times take Z or an offset, and fractions", "[github][bitbucket]") {
  using webhook_json::parse_time;
  CHECK(parse_time("2026-01-01T10:00:00Z") == 1767261600000);
  CHECK(parse_time("2026-01-01T11:00:00+01:00") == 1767261600000);
  CHECK(parse_time("2026-01-01T04:30:00-05:30") == 1767261600000);
  CHECK(parse_time("2026-01-01T10:00:00.945063+00:00") == 1767261600945);  // Bitbucket's
  for (const char* bad : {"", "2026-01-01", "2026-01-01T10:00:00", "2026-01-01T10:00:00+1:00",
                          "2026-01-01T10:00:00+25:00", "2026-13-01T10:00:00Z"})
    CHECK_FALSE(parse_time(bad));
}
