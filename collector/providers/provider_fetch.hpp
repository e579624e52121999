// Fetching the providers' admin API pages: the request of each source (its
// path and documented query), the admin key in its header, and retries with
// backoff on 429 (after Retry-After) and 5xx. The key is sent in a header
// only: it is never in a URL, an error or a log line.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "collector/store/provider_rows.hpp"
#include "common/net/https_client.hpp"
#include "common/result.hpp"
#include "common/url_encoding.hpp"

namespace codepulse::collector {

// The request target of one page of `source`: the UTC days [from_day,
// until_day) in daily buckets, grouped by what reconciliation needs
// (model, workspace or project, API key, line item), from page `page` ("" =
// the first). The Claude Code report takes one day: from_day.
std::string provider_target(ProviderSource source, const std::string& from_day,
                            const std::string& until_day, const std::string& page);

struct RetryPolicy {
  int max_attempts = 5;
  int64_t base_ms = 1000;       // the first backoff; doubled after each failure
  int64_t max_ms = 300'000;     // no wait is longer, Retry-After included
  int64_t timeout_ms = 30'000;  // each step of one request
};

// Waits `ms`; false when the wait was cut short because the poller stops.
using ProviderSleep = std::function<bool(int64_t ms)>;

// One provider's API, as the poller calls it.
class ProviderFetcher {
 public:
  // `key_name` names the admin key's setting in errors (never the key).
  ProviderFetcher(std::string provider, HttpsEndpoint endpoint, ClientTls tls,
                  std::string admin_key, std::string key_name, RetryPolicy policy,
                  ProviderSleep sleep);

  // The body of a 2xx answer to GET `target`. Retried: no answer, 429 and
  // 5xx, up to max_attempts; any other status is an error at once. Errors
  // say `what` (e.g. "anthropic messages page 2"), the status and the start
  // of the body, with the key (should the body hold it) replaced.
  Result<std::string> get(const std::string& target, const std::string& what);

 private:
  std::string clean(std::string_view text) const;  // control characters and the key out
  std::string provider_;
  HttpsEndpoint endpoint_;
  ClientTls tls_;
  std::string key_, key_name_;
  RetryPolicy policy_;
  ProviderSleep sleep_;
};

}  // namespace codepulse::collector
