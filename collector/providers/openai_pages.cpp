// OpenAI's organization usage and costs pages (docs/PROVIDER_IMPORT.md):
// time buckets (start_time, end_time in Unix seconds) of results, each result
// naming its own kind in "object".
#include "collector/providers/page_json_internal.hpp"

namespace codepulse::collector::provider_json {
namespace {

// OpenAI's amounts are dollars: one dollar is 10^9 nano-dollars.
constexpr int kDollarsToNanos = 9;

Result<std::string> bucket_day(const Node& b) {
  auto from = count_field(b, "start_time", true);
  auto until = count_field(b, "end_time", true);
  if (!from) return from.error();
  if (!until) return until.error();
  if (*until <= *from || *until > 253'402'300'799 ||
      day_of_ms(*from * 1000) != day_of_ms(*until * 1000 - 1))
    return make_error(b.path +
                      ": expected start_time and end_time (Unix seconds) within one "
                      "UTC day (bucket_width 1d, 1h or 1m)");
  return day_of_ms(*from * 1000);
}

Status require_object(const Node& r, const char* kind) {
  auto object = text_field(r, "object");
  if (!object) return object.error();
  if (*object != kind) return make_error(r.path + ".object: expected \"" + kind + "\"");
  return {};
}

Status read_completions_result(const Node& r, ProviderUsageRow& row) {
  if (auto s = require_object(r, "organization.usage.completions.result"); !s) return s;
  auto input = count_field(r, "input_tokens", true);
  auto cached = count_field(r, "input_cached_tokens", false);
  auto output = count_field(r, "output_tokens", true);
  auto requests = count_field(r, "num_model_requests", false);
  for (const auto* n : {&input, &cached, &output, &requests})
    if (!*n) return n->error();
  // input_tokens counts the cached ones too.
  if (*cached > *input)
    return make_error(r.path + ": input_cached_tokens is more than input_tokens");
  row.uncached_input = *input - *cached;
  row.cache_read = *cached;
  row.output = *output;
  row.requests = *requests;
  for (auto [key, out] : {std::pair{"model", &row.model}, std::pair{"project_id", &row.workspace},
                          std::pair{"api_key_id", &row.api_key}}) {
    auto text = text_field(r, key);
    if (!text) return text.error();
    *out = std::move(text).value();
  }
  return {};
}

Status read_costs_result(const Node& r, ProviderUsageRow& row) {
  if (auto s = require_object(r, "organization.costs.result"); !s) return s;
  auto amount = object_field(r, "amount");
  if (!amount) return amount.error();
  if (auto s = require_usd(*amount, "currency"); !s) return s;
  auto value = decimal_field(*amount, "value", kDollarsToNanos);
  if (!value) return value.error();
  row.cost_nanos = *value;
  for (auto [key, out] :
       {std::pair{"line_item", &row.line_item}, std::pair{"project_id", &row.workspace},
        std::pair{"api_key_id", &row.api_key}}) {
    auto text = text_field(r, key);
    if (!text) return text.error();
    *out = std::move(text).value();
  }
  return {};
}

}  // namespace

Result<ProviderPage> parse_openai_page(ProviderSource source, const Node& page) {
  ProviderPage out;
  if (auto s = read_paging(page, out); !s) return s.error();
  auto s = read_buckets(
      source, page, bucket_day,
      source == ProviderSource::kOpenaiCosts ? read_costs_result : read_completions_result, out);
  if (!s) return s.error();
  return out;
}

}  // namespace codepulse::collector::provider_json
