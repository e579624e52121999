// The providers' admin API mock (mock_provider_api.hpp). Page shapes follow
// the providers' reference pages: Anthropic "Get Messages Usage Report",
// "Get Cost Report", "Get Claude Code Usage Report"; OpenAI "Completions"
// (organization usage) and "Costs" (docs/PROVIDER_IMPORT.md cites them).
#include "tests/support/mock_provider_api.hpp"

#include <algorithm>

#include "collector/http/query_string.hpp"
#include "common/json_writer.hpp"

namespace codepulse::test {
namespace {

using collector::ProviderSource;
using collector::ProviderUsageRow;

// "" -> null, as the providers send an absent grouping value.
void nullable(JsonWriter& w, const char* key, const std::string& v) {
  w.key(key);
  if (v.empty())
    w.null();
  else
    w.value(v);
}

// nanos / 10^digits as a decimal ("123.4500000").
std::string scaled(int64_t nanos, int digits) {
  int64_t unit = 1;
  for (int i = 0; i < digits; ++i)
    unit *= 10;
  const bool negative = nanos < 0;
  const int64_t a = negative ? -nanos : nanos;
  std::string frac = std::to_string(a % unit);
  frac.insert(0, static_cast<size_t>(digits) - frac.size(), '0');
  return (negative ? "-" : "") + std::to_string(a / unit) + "." + frac;
}

void anthropic_usage(JsonWriter& w, const ProviderUsageRow& r) {
  w.begin_object().field("uncached_input_tokens", r.uncached_input);
  w.key("cache_creation")
      .begin_object()
      .field("ephemeral_1h_input_tokens", r.cache_write_1h)
      .field("ephemeral_5m_input_tokens", r.cache_write_5m)
      .end_object();
  w.field("cache_read_input_tokens", r.cache_read).field("output_tokens", r.output);
  w.key("server_tool_use").begin_object().field("web_search_requests", r.web_search).end_object();
  nullable(w, "api_key_id", r.api_key);
  nullable(w, "workspace_id", r.workspace);
  nullable(w, "model", r.model);
  w.field("service_tier", "standard").field("context_window", "0-200k").end_object();
}

void anthropic_cost(JsonWriter& w, const ProviderUsageRow& r) {
  w.begin_object().field("amount", scaled(r.cost_nanos.value_or(0), 7));
  w.field("context_window", "0-200k").key("cost_type").null().field("currency", "USD");
  nullable(w, "description", r.line_item);
  nullable(w, "model", r.model);
  w.field("service_tier", "standard").key("token_type").null();
  nullable(w, "workspace_id", r.workspace);
  w.end_object();
}

void claude_code_record(JsonWriter& w, const ProviderUsageRow& r) {
  const bool user = r.api_key.rfind("user:", 0) == 0;
  const std::string name = r.api_key.substr(r.api_key.find(':') + 1);
  w.begin_object().key("actor").begin_object();
  if (user)
    w.field("email_address", name).field("type", "user_actor");
  else
    w.field("api_key_name", name).field("type", "api_actor");
  w.end_object();
  w.key("core_metrics").begin_object().field("commits_by_claude_code", 1);
  w.key("lines_of_code").begin_object().field("added", 10).field("removed", 2).end_object();
  w.field("num_sessions", 1).field("pull_requests_by_claude_code", 0).end_object();
  w.field("customer_type", r.line_item).field("date", r.day);
  w.key("model_breakdown").begin_array().begin_object();
  w.key("estimated_cost").begin_object();
  w.key("amount").raw_number(scaled(r.cost_nanos.value_or(0), 7));
  w.field("currency", "USD").end_object();
  w.field("model", r.model);
  w.key("tokens")
      .begin_object()
      .field("cache_creation", r.cache_write_5m)
      .field("cache_read", r.cache_read)
      .field("input", r.uncached_input)
      .field("output", r.output)
      .end_object();
  w.end_object().end_array();
  w.field("organization_id", "12345678-1234-5678-1234-567812345678")
      .field("subscription_type", "enterprise")
      .field("terminal_type", "vscode");
  w.key("tool_actions").begin_object().end_object().end_object();
}

void openai_usage(JsonWriter& w, const ProviderUsageRow& r) {
  w.begin_object()
      .field("object", "organization.usage.completions.result")
      .field("input_tokens", r.uncached_input + r.cache_read)
      .field("output_tokens", r.output)
      .field("input_cached_tokens", r.cache_read)
      .field("input_audio_tokens", 0)
      .field("output_audio_tokens", 0)
      .field("num_model_requests", r.requests);
  nullable(w, "project_id", r.workspace);
  w.key("user_id").null();
  nullable(w, "api_key_id", r.api_key);
  nullable(w, "model", r.model);
  w.key("batch").null().key("service_tier").null().end_object();
}

void openai_cost(JsonWriter& w, const ProviderUsageRow& r) {
  w.begin_object().field("object", "organization.costs.result");
  w.key("amount").begin_object();
  w.key("value").raw_number(scaled(r.cost_nanos.value_or(0), 9));
  w.field("currency", "usd").end_object();
  nullable(w, "line_item", r.line_item);
  nullable(w, "project_id", r.workspace);
  w.end_object();
}

int64_t unix_of(const std::string& day) {
  return collector::day_start_ms(day).value_or(0) / 1000;
}

std::string error_body(const std::string& type, const std::string& message) {
  return R"({"type":"error","error":{"type":")" + type + R"(","message":")" + message + R"("}})";
}

}  // namespace

MockProviderApi::MockProviderApi(const std::string& cert_file, const std::string& key_file,
                                 std::string admin_key, size_t per_page)
    : admin_key_(std::move(admin_key)),
      per_page_(per_page),
      peer_(cert_file, key_file, [this](const PeerRequest& r) { return answer(r); }) {}

void MockProviderApi::set_rows(std::vector<ProviderUsageRow> rows) {
  std::lock_guard lock(mu_);
  rows_ = std::move(rows);
}

void MockProviderApi::script(std::vector<ProviderFault> faults) {
  std::lock_guard lock(mu_);
  script_ = std::move(faults);
  next_fault_ = 0;
}

std::string MockProviderApi::base_url() const {
  return "https://localhost:" + std::to_string(port());
}

std::string MockProviderApi::page(ProviderSource source, const std::vector<std::string>& days,
                                  const std::vector<ProviderUsageRow>& rows, bool has_more,
                                  const std::string& next_page) {
  std::string out;
  JsonWriter w(out);
  const bool openai = std::string_view(collector::provider_of(source)) == "openai";
  w.begin_object();
  if (openai) w.field("object", "page");
  w.key("data").begin_array();
  for (const std::string& day : days) {
    if (source == ProviderSource::kAnthropicClaudeCode) {
      for (const ProviderUsageRow& r : rows)
        if (r.source == source && r.day == day) claude_code_record(w, r);
      continue;
    }
    w.begin_object();
    if (openai)
      w.field("object", "bucket")
          .field("start_time", unix_of(day))
          .field("end_time", unix_of(collector::next_day(day)));
    else
      w.field("starting_at", day + "T00:00:00Z")
          .field("ending_at", collector::next_day(day) + "T00:00:00Z");
    w.key("results").begin_array();
    for (const ProviderUsageRow& r : rows) {
      if (r.source != source || r.day != day) continue;
      switch (source) {
        case ProviderSource::kAnthropicMessages:
          anthropic_usage(w, r);
          break;
        case ProviderSource::kAnthropicCost:
          anthropic_cost(w, r);
          break;
        case ProviderSource::kOpenaiCompletions:
          openai_usage(w, r);
          break;
        case ProviderSource::kOpenaiCosts:
          openai_cost(w, r);
          break;
        case ProviderSource::kAnthropicClaudeCode:
          break;
      }
    }
    w.end_array().end_object();
  }
  w.end_array().field("has_more", has_more);
  nullable(w, "next_page", next_page);
  w.end_object();
  return out;
}

std::string MockProviderApi::answer(const PeerRequest& request) {
  const std::string json = "Content-Type: application/json";
  const std::string path = request.target.substr(0, request.target.find('?'));
  const bool openai = path.rfind("/v1/organization/", 0) == 0;
  const std::string presented =
      openai ? request.header("Authorization") : request.header("x-api-key");
  if (presented != (openai ? "Bearer " + admin_key_ : admin_key_) ||
      (!openai && request.header("anthropic-version") != "2023-06-01"))
    return http_response(401, {json},
                         error_body("authentication_error", "invalid key: " + presented));
  std::lock_guard lock(mu_);
  const ProviderFault fault =
      next_fault_ < script_.size() ? script_[next_fault_++] : ProviderFault::kNone;
  if (fault == ProviderFault::kRateLimited)
    return http_response(429, {json, "Retry-After: 7"},
                         error_body("rate_limit_error", "Too many requests"));
  if (fault == ProviderFault::kServerError)
    return http_response(500, {json}, error_body("api_error", "Internal server error"));
  if (fault == ProviderFault::kMissingPage)
    return http_response(404, {json}, error_body("not_found_error", "page not found"));

  std::optional<ProviderSource> source;
  for (auto [p, s] :
       {std::pair{"/v1/organizations/usage_report/messages", ProviderSource::kAnthropicMessages},
        std::pair{"/v1/organizations/cost_report", ProviderSource::kAnthropicCost},
        std::pair{"/v1/organizations/usage_report/claude_code",
                  ProviderSource::kAnthropicClaudeCode},
        std::pair{"/v1/organization/usage/completions", ProviderSource::kOpenaiCompletions},
        std::pair{"/v1/organization/costs", ProviderSource::kOpenaiCosts}})
    if (path == p) source = s;
  if (!source) return http_response(404, {json}, error_body("not_found_error", "no such path"));
  const auto q = request.target.find('?');
  auto params = collector::parse_query_string(
      q == std::string::npos ? "" : std::string_view(request.target).substr(q + 1));
  if (!params) return http_response(400, {json}, error_body("invalid_request_error", "query"));
  auto param = [&](const std::string& name) {
    for (const auto& [k, v] : *params)
      if (k == name) return v;
    return std::string();
  };
  // The days asked for, and this page's offset among them.
  std::vector<std::string> days;
  if (*source == ProviderSource::kAnthropicClaudeCode) {
    days = {param("starting_at")};
  } else {
    std::string from, until;
    if (openai) {
      from = collector::day_of_ms(std::stoll(param("start_time")) * 1000);
      until = collector::day_of_ms(std::stoll(param("end_time")) * 1000);
    } else {
      from = param("starting_at").substr(0, 10);
      until = param("ending_at").substr(0, 10);
    }
    for (std::string d = from; d < until; d = collector::next_day(d))
      days.push_back(d);
  }
  const std::string token = param("page");
  const size_t offset = token.empty() ? 0 : std::stoul(token.substr(5));
  std::string body;
  if (*source == ProviderSource::kAnthropicClaudeCode) {
    // Records, per_page a page.
    std::vector<ProviderUsageRow> records;
    for (const ProviderUsageRow& r : rows_)
      if (r.source == *source && r.day == days.front()) records.push_back(r);
    const size_t end = std::min(records.size(), offset + per_page_);
    const std::vector<ProviderUsageRow> slice(
        records.begin() + static_cast<long>(std::min(offset, end)),
        records.begin() + static_cast<long>(end));
    const bool more = end < records.size();
    body = page(*source, days, slice, more, more ? "page_" + std::to_string(end) : "");
  } else {
    const size_t limit = std::min<size_t>(per_page_, std::stoul(param("limit")));
    const size_t end = std::min(days.size(), offset + limit);
    const std::vector<std::string> slice(days.begin() + static_cast<long>(std::min(offset, end)),
                                         days.begin() + static_cast<long>(end));
    const bool more = end < days.size();
    body = page(*source, slice, rows_, more, more ? "page_" + std::to_string(end) : "");
  }
  if (fault == ProviderFault::kChangedSchema)
    for (auto [from, to] :
         {std::pair{"\"uncached_input_tokens\"", "\"input_tokens\""},
          std::pair{"\"amount\"", "\"cost\""}, std::pair{"\"model_breakdown\"", "\"models\""},
          std::pair{"\"output_tokens\"", "\"completion_tokens\""}})
      for (size_t at = body.find(from); at != std::string::npos; at = body.find(from, at))
        body.replace(at, std::string_view(from).size(), to);
  return http_response(200, {json}, body);
}

}  // namespace codepulse::test
