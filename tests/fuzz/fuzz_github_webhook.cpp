// libFuzzer harness: a GitHub webhook (POST /v1/webhooks/github): the
// signature check over the raw body, then the event parser for each event
// codepulse reads. Never a crash; a signature made for the body is valid and
// one bit off is not; a parsed event holds only identities, branches, SHAs,
// times and task keys within their limits (webhook_checks.hpp), the same
// each time; an error is a few words, never the body.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "collector/ingest/github_webhook.hpp"
#include "collector/ingest/webhook_signature.hpp"
#include "tests/fuzz/webhook_checks.hpp"

using namespace codepulse;
using fuzz::expect;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  const std::string_view signature = body.substr(0, std::min<size_t>(body.size(), 71));
  (void)collector::hub_signature_valid(signature, "fuzz-secret-0123456789", body);
  std::string made = collector::hub_signature("k", body);
  expect(collector::hub_signature_valid(made, "k", body), "a signature made for the body is valid");
  made.back() = made.back() == '0' ? '1' : '0';
  expect(!collector::hub_signature_valid(made, "k", body), "a changed signature is not valid");
  for (std::string_view event : {"push", "pull_request", "pull_request_review"}) {
    (void)fuzz::check_parse([&] { return collector::parse_github_webhook(event, body); },
                            "github.com/");
  }
  return 0;
}
