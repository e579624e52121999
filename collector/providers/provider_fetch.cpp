// The providers' requests and their retries (provider_fetch.hpp).
#include "collector/providers/provider_fetch.hpp"

#include <algorithm>
#include <chrono>
#include <utility>

#include "common/text_controls.hpp"

namespace codepulse::collector {
namespace {

constexpr size_t kBodyInErrors = 200;

std::string query(const std::vector<std::pair<std::string, std::string>>& params) {
  std::string out;
  for (const auto& [name, value] : params)
    out += (out.empty() ? "?" : "&") + url_encode(name) + "=" + url_encode(value);
  return out;
}

}  // namespace

std::string provider_target(ProviderSource source, const std::string& from_day,
                            const std::string& until_day, const std::string& page) {
  std::vector<std::pair<std::string, std::string>> q;
  std::string path;
  const std::string from = from_day + "T00:00:00Z", until = until_day + "T00:00:00Z";
  const auto unix_s = [](const std::string& day) {
    return std::to_string(day_start_ms(day).value_or(0) / 1000);
  };
  switch (source) {
    case ProviderSource::kAnthropicMessages:
      path = "/v1/organizations/usage_report/messages";
      q = {{"starting_at", from},   {"ending_at", until},           {"bucket_width", "1d"},
           {"group_by[]", "model"}, {"group_by[]", "workspace_id"}, {"group_by[]", "api_key_id"},
           {"limit", "7"}};
      break;
    case ProviderSource::kAnthropicCost:
      path = "/v1/organizations/cost_report";
      q = {{"starting_at", from},          {"ending_at", until},          {"bucket_width", "1d"},
           {"group_by[]", "workspace_id"}, {"group_by[]", "description"}, {"limit", "7"}};
      break;
    case ProviderSource::kAnthropicClaudeCode:
      path = "/v1/organizations/usage_report/claude_code";
      q = {{"starting_at", from_day}, {"limit", "1000"}};
      break;
    case ProviderSource::kOpenaiCompletions:
      path = "/v1/organization/usage/completions";
      q = {{"start_time", unix_s(from_day)},
           {"end_time", unix_s(until_day)},
           {"bucket_width", "1d"},
           {"group_by", "model"},
           {"group_by", "project_id"},
           {"group_by", "api_key_id"},
           {"limit", "7"}};
      break;
    case ProviderSource::kOpenaiCosts:
      path = "/v1/organization/costs";
      q = {{"start_time", unix_s(from_day)}, {"end_time", unix_s(until_day)},
           {"bucket_width", "1d"},           {"group_by", "line_item"},
           {"group_by", "project_id"},       {"limit", "7"}};
      break;
  }
  if (!page.empty()) q.emplace_back("page", page);
  return path + query(q);
}

ProviderFetcher::ProviderFetcher(std::string provider, HttpsEndpoint endpoint, ClientTls tls,
                                 std::string admin_key, std::string key_name, RetryPolicy policy,
                                 ProviderSleep sleep)
    : provider_(std::move(provider)),
      endpoint_(std::move(endpoint)),
      tls_(std::move(tls)),
      key_(std::move(admin_key)),
      key_name_(std::move(key_name)),
      policy_(policy),
      sleep_(std::move(sleep)) {}

std::string ProviderFetcher::clean(std::string_view text) const {
  std::string out = replace_control_characters(text.substr(0, kBodyInErrors));
  // The key could be cut by the 200 bytes: any run of its first 8 characters goes too.
  for (const std::string& secret : {key_, key_.substr(0, 8)}) {
    if (secret.empty()) continue;
    for (size_t at = out.find(secret); at != std::string::npos; at = out.find(secret, at))
      out.replace(at, secret.size(), "[admin key]");
  }
  return out;
}

Result<std::string> ProviderFetcher::get(const std::string& target, const std::string& what) {
  HttpRequest request;
  request.method = "GET";
  request.target = target;
  if (provider_ == "anthropic") {
    request.headers = {{"x-api-key", key_}, {"anthropic-version", "2023-06-01"}};
  } else {
    request.headers = {{"Authorization", "Bearer " + key_}};
  }
  request.headers.emplace_back("Accept", "application/json");
  std::string last;
  int64_t backoff = policy_.base_ms;
  for (int attempt = 1;; ++attempt) {
    auto r = send_blocking(endpoint_, tls_, std::chrono::milliseconds(policy_.timeout_ms), request);
    int64_t wait = backoff;
    if (!r) {
      last = "no answer (" + clean(r.error().message) + ")";
    } else if (r->status >= 200 && r->status < 300) {
      return std::move(r->body);
    } else if (r->status == 429) {
      last = "429 Too Many Requests";
      if (r->retry_after_s >= 0) wait = r->retry_after_s * 1000;
    } else if (r->status >= 500) {
      last = std::to_string(r->status) + " (" + clean(r->body) + ")";
    } else {
      std::string why = what + ": " + endpoint_.display() + " answered " +
                        std::to_string(r->status) + " (" + clean(r->body) + ")";
      if (r->status == 401 || r->status == 403) why += "; check the admin key in " + key_name_;
      return make_error(why);
    }
    if (attempt >= policy_.max_attempts) break;
    if (!sleep_(std::min(wait, policy_.max_ms))) return make_error(what + ": stopped");
    backoff = std::min(backoff * 2, policy_.max_ms);
  }
  return make_error(what + ": " + endpoint_.display() + " gave up after " +
                    std::to_string(policy_.max_attempts) + " attempts, the last: " + last);
}

}  // namespace codepulse::collector
