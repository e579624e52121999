// Pull request numbers are bounded (issue 22): both vendors number them in
// 32 bits, so a larger number (INT64_MAX) is a refused event, not a row.
#include <catch2/catch.hpp>
#include <string>

#include "collector/ingest/bitbucket_webhook.hpp"
#include "collector/ingest/github_webhook.hpp"
#include "collector/ingest/webhook_json.hpp"
#include "tests/support/test_support.hpp"

using namespace codepulse;
using namespace codepulse::collector;

namespace {

std::string fixture(const std::string& path) {
  return test::read_file(std::string(CODEPULSE_SOURCE_DIR) + "/tests/fixtures/" + path);
}

// `body` with the first `"key": <n>` after `after` set to `value`.
std::string with_number(std::string body, const std::string& after, const std::string& key,
                        const std::string& value) {
  const size_t from = body.find(after);
  REQUIRE(from != std::string::npos);
  const size_t at = body.find("\"" + key + "\": ", from);
  REQUIRE(at != std::string::npos);
  const size_t start = at + key.size() + 4;
  const size_t end = body.find_first_of(",}\n", start);
  return body.replace(start, end - start, value);
}

}  // namespace

TEST_CASE("pull request numbers beyond 32 bits are refused", "[collector][webhooks][overflow]") {
  const std::string max = std::to_string(webhook_json::kMaxPullRequestNumber);
  const std::string github = fixture("github/pull_request_closed.json");
  const std::string bitbucket = fixture("bitbucket/pullrequest_created.json");
  for (const std::string& n :
       {max, std::string("2147483648"), std::string("9223372036854775807")}) {
    INFO(n);
    auto g =
        parse_github_webhook("pull_request", with_number(github, "\"pull_request\"", "number", n));
    auto b = parse_bitbucket_webhook("pullrequest:created",
                                     with_number(bitbucket, "\"pullrequest\"", "id", n));
    if (n == max) {
      REQUIRE(g);
      CHECK(g->pull_request.number == webhook_json::kMaxPullRequestNumber);
      REQUIRE(b);
      CHECK(b->pull_request.number == webhook_json::kMaxPullRequestNumber);
    } else {
      REQUIRE_FALSE(g);
      CHECK(g.error().message.find("pull_request.number") != std::string::npos);
      REQUIRE_FALSE(b);
      CHECK(b.error().message.find("pullrequest.id") != std::string::npos);
    }
  }
}
