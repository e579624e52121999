// libFuzzer harness: a Bitbucket Cloud webhook (POST /v1/webhooks/bitbucket):
// the X-Hub-Signature check over the raw body, then the event parser for each
// event key codepulse reads. Never a crash; a signature made for the body is
// valid; a parsed event holds only identities, branches, SHAs, times and task
// keys within their limits (webhook_checks.hpp), the same each time; a
// review has a state; an error is a few words, never the body.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "collector/ingest/bitbucket_webhook.hpp"
#include "collector/ingest/webhook_signature.hpp"
#include "tests/fuzz/webhook_checks.hpp"

using namespace codepulse;
using fuzz::expect;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  const std::string_view signature = body.substr(0, std::min<size_t>(body.size(), 71));
  (void)collector::hub_signature_valid(signature, "fuzz-secret-0123456789", body);
  expect(collector::hub_signature_valid(collector::hub_signature("k", body), "k", body),
         "a signature made for the body is valid");
  static const collector::MessageRules rules = [] {
    collector::MessageRules r;
    r.deploy_statuses =
        collector::parse_deploy_status_rules(collector::kDefaultDeployStatusRules).value();
    return r;
  }();
  for (std::string_view key :
       {"repo:push", "pullrequest:created", "pullrequest:updated", "pullrequest:fulfilled",
        "pullrequest:rejected", "pullrequest:approved", "pullrequest:unapproved",
        "pullrequest:changes_request_created", "repo:commit_status_created",
        "repo:commit_status_updated"}) {
    const auto e = fuzz::check_parse(
        [&] { return collector::parse_bitbucket_webhook(key, body, rules); }, "bitbucket.org/");
    expect(e.kind != collector::WebhookEvent::kDeployment ||
               (e.deployment.environment == "production" && e.deployment.sha.size() == 40),
           "a deployment from a build status names its rule's environment and a full commit");
    expect(e.kind != collector::WebhookEvent::kReview || fuzz::known_review_state(e.review.state),
           "a review has one of the four states");
  }
  return 0;
}
