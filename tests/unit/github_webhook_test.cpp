// GitHub webhooks, with payloads shaped as GitHub documents them
// (tests/fixtures/github), and the X-Hub-Signature-256 check.
#include "collector/ingest/github_webhook.hpp"

#include <catch2/catch.hpp>

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
  CHECK(e->kind == GitHubEvent::kPush);
  CHECK(e->repo == "github.com/acme/api");
  CHECK(e->branch == "feature/PROJ-7-saved-cards");
  REQUIRE(e->commits.size() == 1);
  const GitHubCommit& c = e->commits[0];
  CHECK(c.sha == "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c");
  CHECK(c.time_ms == 1767261600000);  // 11:00 at +01:00 is 10:00 UTC
  CHECK(c.author_email == "dana@acme.example");
  CHECK(c.files == std::vector<std::string>{"src/cards.cpp", "src/checkout.cpp", "README.md"});
  // A tag push is ignored.
  std::string tag = fixture("push.json");
  tag.replace(tag.find("refs/heads/"), 11, "refs/tags/v");
  CHECK(parse_github_webhook("push", tag)->kind == GitHubEvent::kIgnored);
}

TEST_CASE("a merged pull request and a review give the cycle time's points", "[github]") {
  auto pr = parse_github_webhook("pull_request", fixture("pull_request_closed.json"));
  REQUIRE(pr);
  CHECK(pr->kind == GitHubEvent::kPullRequest);
  CHECK(pr->action == "closed");
  CHECK(pr->pr_number == 42);
  CHECK(pr->pr_author == "dana");
  CHECK(pr->head_branch == "feature/PROJ-7-saved-cards");
  CHECK(pr->base_branch == "main");
  CHECK(pr->merged);
  CHECK_FALSE(pr->draft);
  CHECK(pr->created_ms == 1767263400000);
  CHECK(pr->merged_ms == 1767344400000);
  CHECK(pr->merge_sha == "e5bd3914e2e596debea16f433f57875b5b90bcd6");
  auto review = parse_github_webhook("pull_request_review", fixture("pull_request_review.json"));
  REQUIRE(review);
  CHECK(review->kind == GitHubEvent::kReview);
  CHECK(review->pr_number == 42);
  CHECK(review->pr_author == "dana");
  CHECK(review->reviewer == "rob");
  CHECK(review->review_state == "approved");
  CHECK(review->review_ms == 1767282300000);
}

TEST_CASE("other GitHub events are ignored; bad bodies are refused with the reason", "[github]") {
  CHECK(parse_github_webhook("ping", "{\"zen\": \"Keep it logically awesome.\"}")->kind ==
        GitHubEvent::kIgnored);
  CHECK(parse_github_webhook("issues", "{\"action\": \"opened\"}")->kind == GitHubEvent::kIgnored);
  std::string labeled = fixture("pull_request_closed.json");
  labeled.replace(labeled.find("\"closed\""), 8, "\"labeled\"");
  CHECK(parse_github_webhook("pull_request", labeled)->kind == GitHubEvent::kIgnored);

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

TEST_CASE("GitHub times take Z or an offset", "[github]") {
  CHECK(parse_github_time("2026-01-01T10:00:00Z") == 1767261600000);
  CHECK(parse_github_time("2026-01-01T11:00:00+01:00") == 1767261600000);
  CHECK(parse_github_time("2026-01-01T04:30:00-05:30") == 1767261600000);
  for (const char* bad : {"", "2026-01-01", "2026-01-01T10:00:00", "2026-01-01T10:00:00+1:00",
                          "2026-01-01T10:00:00+25:00", "2026-13-01T10:00:00Z"})
    CHECK_FALSE(parse_github_time(bad));
}
