// libFuzzer harness: a GitHub webhook (POST /v1/webhooks/github): the
// signature check over the raw body, then the event parser for each event
// codepulse reads. Never a crash; a parsed event is within its limits.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "collector/ingest/github_webhook.hpp"
#include "collector/ingest/webhook_signature.hpp"

using namespace codepulse;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  const std::string_view signature = body.substr(0, std::min<size_t>(body.size(), 71));
  (void)collector::hub_signature_valid(signature, "fuzz-secret-0123456789", body);
  if (!collector::hub_signature_valid(collector::hub_signature("k", body), "k", body)) std::abort();
  for (std::string_view event : {"push", "pull_request", "pull_request_review"}) {
    auto e = collector::parse_github_webhook(event, body);
    if (!e) continue;
    if (e->kind != collector::WebhookEvent::kIgnored && e->repo.rfind("github.com/", 0) != 0)
      std::abort();
    if (e->commits.size() > 2048) std::abort();
    for (const auto& c : e->commits)
      if (c.sha.size() != 40 || c.branch.empty()) std::abort();
  }
  return 0;
}
