// Strings are valid at the door for webhooks as for batches: a control
// character (C0, DEL or C1) in a string the collector would store refuses the
// delivery with a 400 naming the field (docs/SECURITY.md, "Webhooks").
#include <catch2/catch.hpp>

#include "collector/ingest/bitbucket_webhook.hpp"
#include "collector/ingest/github_webhook.hpp"
#include "collector/ingest/jira_webhook.hpp"
#include "collector/ingest/webhook_json.hpp"
#include "tests/support/test_support.hpp"

using namespace codepulse;
using namespace codepulse::collector;

namespace {

std::string fixture(const std::string& path) {
  return test::read_file(std::string(CODEPULSE_SOURCE_DIR) + "/tests/fixtures/" + path);
}

// `body` with every `from` replaced by `to`.
std::string replaced(std::string body, const std::string& from, const std::string& to) {
  for (size_t at = body.find(from); at != std::string::npos; at = body.find(from, at + to.size()))
    body.replace(at, from.size(), to);
  return body;
}

// JSON escapes of ESC, NUL, a line break, DEL and two C1 controls (CSI, NEL).
const std::vector<std::string> kEscapes = {"\\u001b[2J", "\\u0000", "\\n",
                                           "\\u007f",    "\\u009b", "\\u0085"};

}  // namespace

TEST_CASE("webhook strings with control characters are refused, naming the field",
          "[github][bitbucket][jira][strings]") {
  CHECK(webhook_json::plain("feature/caf\xc3\xa9 \xe6\x97\xa5"));
  CHECK_FALSE(webhook_json::plain("nel\xc2\x85"));
  CHECK_FALSE(webhook_json::plain("csi\xc2\x9b"));
  for (const std::string& control : kEscapes) {
    INFO(control);
    auto github = parse_github_webhook(
        "push", replaced(fixture("github/push.json"), "PROJ-7-saved-cards", "x" + control));
    REQUIRE_FALSE(github);
    CHECK(github.error().message == "ref is too long or has control characters");
    auto author = parse_github_webhook(
        "push", replaced(fixture("github/push.json"), "dana@acme.example", "dana" + control));
    REQUIRE_FALSE(author);
    CHECK(author.error().message.find("has control characters") != std::string::npos);
    auto bitbucket = parse_bitbucket_webhook(
        "repo:push",
        replaced(fixture("bitbucket/repo_push.json"), "feature/PAY-12-refunds", "x" + control));
    REQUIRE_FALSE(bitbucket);
    CHECK(bitbucket.error().message.find("has control characters") != std::string::npos);
    auto jira = parse_jira_webhook(
        replaced(fixture("jira/issue_created.json"), "\"To Do\"", "\"To" + control + "\""),
        "customfield_10014");
    REQUIRE_FALSE(jira);
    CHECK(jira.error().message == "issue.fields.status.name is not a plain name");
  }
  // Non-ASCII text is no control: a branch named in Japanese is kept.
  auto japanese = parse_github_webhook(
      "push", replaced(fixture("github/push.json"), "PROJ-7-saved-cards", "\\u65e5\\u672c"));
  REQUIRE(japanese);
  REQUIRE(!japanese->commits.empty());
  CHECK(japanese->commits[0].branch == "feature/\xe6\x97\xa5\xe6\x9c\xac");
}
