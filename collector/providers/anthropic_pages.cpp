// Anthropic's Admin API pages (docs/PROVIDER_IMPORT.md): the Messages usage
// report and the cost report (time buckets of results), and the Claude Code
// usage report (one record per actor and day, with a model breakdown).
#include "collector/providers/page_json_internal.hpp"
#include "common/time.hpp"

namespace codepulse::collector::provider_json {
namespace {

// Anthropic's amounts are cents as decimals: one cent is 10^7 nano-dollars.
constexpr int kCentsToNanos = 7;

// The UTC day of a bucket [starting_at, ending_at), which must lie in one day.
Result<std::string> bucket_day(const Node& b) {
  auto from = text_field(b, "starting_at");
  auto until = text_field(b, "ending_at");
  if (!from) return from.error();
  if (!until) return until.error();
  const auto from_ms = parse_iso8601_utc_ms(*from);
  const auto until_ms = parse_iso8601_utc_ms(*until);
  if (!from_ms || !until_ms || *until_ms <= *from_ms ||
      day_of_ms(*from_ms) != day_of_ms(*until_ms - 1))
    return make_error(b.path +
                      ": expected starting_at and ending_at (RFC 3339, UTC) within one "
                      "UTC day (bucket_width 1d, 1h or 1m)");
  return day_of_ms(*from_ms);
}

Status read_message_result(const Node& r, ProviderUsageRow& row) {
  auto cache = object_field(r, "cache_creation");
  if (!cache) return cache.error();
  auto tools = optional_object(r, "server_tool_use");
  if (!tools) return tools.error();
  const struct {
    const Node& node;
    const char* key;
    bool required;
    int64_t& out;
  } counts[] = {
      {r, "uncached_input_tokens", true, row.uncached_input},
      {r, "cache_read_input_tokens", true, row.cache_read},
      {r, "output_tokens", true, row.output},
      {*cache, "ephemeral_5m_input_tokens", true, row.cache_write_5m},
      {*cache, "ephemeral_1h_input_tokens", true, row.cache_write_1h},
  };
  for (const auto& c : counts) {
    auto n = count_field(c.node, c.key, c.required);
    if (!n) return n.error();
    c.out = *n;
  }
  if (*tools) {
    auto searches = count_field(**tools, "web_search_requests", false);
    if (!searches) return searches.error();
    row.web_search = *searches;
  }
  for (auto [key, out] : {std::pair{"model", &row.model}, std::pair{"workspace_id", &row.workspace},
                          std::pair{"api_key_id", &row.api_key}}) {
    auto text = text_field(r, key);
    if (!text) return text.error();
    *out = std::move(text).value();
  }
  return {};
}

Status read_cost_result(const Node& r, ProviderUsageRow& row) {
  if (auto s = require_usd(r, "currency"); !s) return s;
  auto amount = decimal_field(r, "amount", kCentsToNanos);
  if (!amount) return amount.error();
  row.cost_nanos = *amount;
  std::string description, cost_type, token_type;
  for (auto [key, out] :
       {std::pair{"model", &row.model}, std::pair{"workspace_id", &row.workspace},
        std::pair{"description", &description}, std::pair{"cost_type", &cost_type},
        std::pair{"token_type", &token_type}}) {
    auto text = text_field(r, key);
    if (!text) return text.error();
    *out = std::move(text).value();
  }
  row.line_item = !description.empty() ? description : !token_type.empty() ? token_type : cost_type;
  return {};
}

// "user:<email>" or "key:<api key name>".
Result<std::string> actor_of(const Node& record) {
  auto actor = object_field(record, "actor");
  if (!actor) return actor.error();
  auto type = text_field(*actor, "type");
  if (!type) return type.error();
  const bool user = *type == "user_actor";
  if (!user && *type != "api_actor")
    return make_error(actor->path + ".type: expected user_actor or api_actor");
  auto name = text_field(*actor, user ? "email_address" : "api_key_name");
  if (!name) return name.error();
  return (user ? "user:" : "key:") + *name;
}

Status read_claude_code(const Node& page, ProviderPage& out) {
  auto records = array_field(page, "data");
  if (!records) return records.error();
  for (const Node& record : *records) {
    auto day = day_field(record, "date", true);
    auto actor = actor_of(record);
    auto customer = text_field(record, "customer_type");
    auto models = array_field(record, "model_breakdown");
    if (!day) return day.error();
    if (!actor) return actor.error();
    if (!customer) return customer.error();
    if (!models) return models.error();
    for (const Node& m : *models) {
      ProviderUsageRow row;
      row.source = ProviderSource::kAnthropicClaudeCode;
      row.day = *day;
      row.api_key = *actor;
      row.line_item = *customer;
      auto model = text_field(m, "model");
      auto tokens = object_field(m, "tokens");
      auto cost = optional_object(m, "estimated_cost");
      if (!model) return model.error();
      if (!tokens) return tokens.error();
      if (!cost) return cost.error();
      row.model = std::move(model).value();
      // Cache writes come without their lifetime: counted as 5-minute ones.
      for (auto [key, field] :
           {std::pair{"input", &row.uncached_input}, std::pair{"output", &row.output},
            std::pair{"cache_read", &row.cache_read},
            std::pair{"cache_creation", &row.cache_write_5m}}) {
        auto n = count_field(*tokens, key, true);
        if (!n) return n.error();
        *field = *n;
      }
      if (*cost) {
        if (auto s = require_usd(**cost, "currency"); !s) return s;
        auto amount = decimal_field(**cost, "amount", kCentsToNanos);
        if (!amount) return amount.error();
        row.cost_nanos = *amount;
      }
      out.rows.push_back(std::move(row));
    }
  }
  return {};
}

}  // namespace

Result<ProviderPage> parse_anthropic_page(ProviderSource source, const Node& page) {
  ProviderPage out;
  if (auto s = read_paging(page, out); !s) return s.error();
  auto s = source == ProviderSource::kAnthropicClaudeCode
               ? read_claude_code(page, out)
               : read_buckets(source, page, bucket_day,
                              source == ProviderSource::kAnthropicCost ? read_cost_result
                                                                       : read_message_result,
                              out);
  if (!s) return s.error();
  return out;
}

}  // namespace codepulse::collector::provider_json
