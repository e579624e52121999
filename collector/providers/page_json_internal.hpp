// Reading the providers' JSON pages (anthropic_pages.cpp, openai_pages.cpp):
// every value with the path it was found at, so an error says where a
// changed schema broke ("anthropic messages page 2: data[0].results[3]
// .output_tokens: expected an integer"), and exact decimal amounts.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "collector/providers/provider_page.hpp"
#include "common/result.hpp"

namespace codepulse::collector::provider_json {

// A JSON value and where it is.
struct Node {
  simdjson::dom::element e;
  std::string path;  // "page 2: data[0].results[3]"
};

// The body as a JSON object, parsed by `parser` (which must outlive it).
Result<Node> parse_document(simdjson::dom::parser& parser, std::string_view body,
                            const std::string& where);

// A member that must be there and be an object / an array (its elements).
Result<Node> object_field(const Node& n, const char* key);
Result<std::vector<Node>> array_field(const Node& n, const char* key);
// An object member that may be absent or null (nullopt then).
Result<std::optional<Node>> optional_object(const Node& n, const char* key);
// A count: a non-negative integer. Absent or null is 0 unless `required`.
Result<int64_t> count_field(const Node& n, const char* key, bool required);
// A string, or "" when absent or null; anything else is an error.
Result<std::string> text_field(const Node& n, const char* key);
// A boolean; absent or null is false.
Result<bool> bool_field(const Node& n, const char* key);
// A number or a decimal string ("123.45", "6e-05"), times 10^scale, rounded
// half away from zero: exact, never through a double.
Result<int64_t> decimal_field(const Node& n, const char* key, int scale);
// A time member: an RFC 3339 instant ("2025-08-01T00:00:00Z"), or for
// `allow_date` also a bare "YYYY-MM-DD"; as its UTC day.
Result<std::string> day_field(const Node& n, const char* key, bool allow_date);
// A Unix time in seconds, as its UTC day.
Result<std::string> unix_day_field(const Node& n, const char* key);

// `text` ("-12.5", "0.06", "6e-05", "123") times 10^scale, rounded half away
// from zero; nullopt when it is not a number or does not fit 64 bits.
std::optional<int64_t> parse_scaled_decimal(std::string_view text, int scale);

// The paging fields every page has: has_more (required) and next_page (a
// string, or null when there is none).
Status read_paging(const Node& page, ProviderPage& out);

// The currency of an amount must be US dollars (any case).
Status require_usd(const Node& n, const char* key);

// The buckets of a page ("data"): each bucket's day (`day_of`) and each of
// its "results" read by `read` into a row of `source` and that day.
using BucketDay = Result<std::string> (*)(const Node& bucket);
using ReadResult = Status (*)(const Node& result, ProviderUsageRow& row);
Status read_buckets(ProviderSource source, const Node& page, BucketDay day_of, ReadResult read,
                    ProviderPage& out);

Result<ProviderPage> parse_anthropic_page(ProviderSource source, const Node& page);
Result<ProviderPage> parse_openai_page(ProviderSource source, const Node& page);

}  // namespace codepulse::collector::provider_json
