// libFuzzer harness: a Bitbucket Cloud webhook (POST /v1/webhooks/bitbucket):
// the X-Hub-Signature check over the raw body, then the event parser for each
// event key codepulse reads. Never a crash; a parsed event is within its
// limits and names no more than identities, branches, SHAs, times and keys.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "collector/ingest/bitbucket_webhook.hpp"
#include "collector/ingest/webhook_signature.hpp"

using namespace codepulse;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  const std::string_view signature = body.substr(0, std::min<size_t>(body.size(), 71));
  (void)collector::hub_signature_valid(signature, "fuzz-secret-0123456789", body);
  for (std::string_view key :
       {"repo:push", "pullrequest:created", "pullrequest:updated", "pullrequest:fulfilled",
        "pullrequest:rejected", "pullrequest:approved", "pullrequest:unapproved",
        "pullrequest:changes_request_created"}) {
    auto e = collector::parse_bitbucket_webhook(key, body);
    if (!e || e->kind == collector::WebhookEvent::kIgnored) continue;
    if (e->repo.rfind("bitbucket.org/", 0) != 0) std::abort();
    if (e->commits.size() > 2048) std::abort();
    for (const auto& c : e->commits)
      if (c.sha.size() != 40 || c.branch.empty() || c.branch.size() > 256) std::abort();
    const auto& pr = e->pull_request;
    if (e->kind != collector::WebhookEvent::kPush && pr.number <= 0) std::abort();
    if (pr.head_sha.size() > 40 || pr.merge_sha.size() > 40) std::abort();
    if (e->kind == collector::WebhookEvent::kReview && e->review.state.empty()) std::abort();
  }
  return 0;
}
