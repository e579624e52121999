// A model id as a log writes it, read for pricing: the family it belongs to
// and the endpoint it was called through (Anthropic's API, Bedrock, Vertex),
// which decides a regional premium.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace codepulse {

enum class EndpointKind : uint8_t { kAnthropic, kBedrock, kVertex };

struct ModelId {
  std::string family;  // lower case; no provider prefix, date, version or [1m]
  EndpointKind endpoint = EndpointKind::kAnthropic;
  // A cloud endpoint that serves one region or geography (Bedrock's in-region
  // ids and its "us."/"eu."/"apac."/"jp."/"au." profiles), which is priced
  // above the global one. Vertex ids do not say their region: never regional.
  bool regional = false;
  std::string region;  // Bedrock's geography prefix ("us"), "" otherwise
};

// "us.anthropic.claude-sonnet-4-5-20250929-v1:0" -> claude-sonnet-4-5,
// Bedrock, regional "us"; "claude-sonnet-4-5@20250929" -> Vertex;
// "anthropic/claude-opus-4-6[1m]" -> claude-opus-4-6 on Anthropic's API.
ModelId parse_model_id(std::string_view raw);

// parse_model_id(raw).family
std::string normalize_model_id(std::string_view raw);

const char* endpoint_name(EndpointKind kind);  // "anthropic", "bedrock", "vertex"

}  // namespace codepulse
