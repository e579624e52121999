// A local HTTPS server that speaks the providers' admin usage and cost APIs
// as their documentation shows them (docs/PROVIDER_IMPORT.md names the
// pages): Anthropic's usage_report/messages, cost_report and
// usage_report/claude_code, OpenAI's organization/usage/completions and
// organization/costs. It serves the rows a test gives it, a few buckets (or
// records) a page, checks the admin key, and answers scripted faults: 429
// with Retry-After, 500, a missing page, a changed schema.
#pragma once

#include <mutex>
#include <string>
#include <vector>

#include "collector/store/provider_rows.hpp"
#include "tests/support/tls_peer.hpp"

namespace codepulse::test {

enum class ProviderFault {
  kNone,           // answered normally
  kRateLimited,    // 429, Retry-After: 7
  kServerError,    // 500
  kMissingPage,    // 404 not_found_error
  kChangedSchema,  // a documented field renamed (uncached_input_tokens -> input_tokens, ...)
};

class MockProviderApi {
 public:
  // Serves with the certificate and key of a CollectorFixture's pki; a
  // request must carry `admin_key` the provider's way.
  MockProviderApi(const std::string& cert_file, const std::string& key_file, std::string admin_key,
                  size_t per_page = 2);

  // The provider's truth: rows of any sources, each with its day.
  void set_rows(std::vector<collector::ProviderUsageRow> rows);
  // How the next requests are answered, one fault each, in order; once the
  // script is used up every request is answered normally.
  void script(std::vector<ProviderFault> faults);

  int port() const { return peer_.port(); }
  std::string base_url() const;  // https://localhost:PORT
  std::vector<PeerRequest> requests() { return peer_.requests(); }

  // The pages the mock serves, from rows (exposed for file-import tests):
  // one page of `source` with buckets for `days` (each "YYYY-MM-DD"), or the
  // Claude Code records of those rows.
  static std::string page(collector::ProviderSource source, const std::vector<std::string>& days,
                          const std::vector<collector::ProviderUsageRow>& rows, bool has_more,
                          const std::string& next_page);

 private:
  std::string answer(const PeerRequest& request);
  std::string admin_key_;
  size_t per_page_;
  std::mutex mu_;
  std::vector<collector::ProviderUsageRow> rows_;
  std::vector<ProviderFault> script_;
  size_t next_fault_ = 0;
  HttpsPeer peer_;  // last: stopped before the rest goes
};

}  // namespace codepulse::test
