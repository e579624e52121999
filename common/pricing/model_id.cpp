#include "common/pricing/model_id.hpp"

#include "common/ascii.hpp"

namespace codepulse {
namespace {

bool is_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

// Bedrock's geography prefixes of cross-region inference profiles.
constexpr std::string_view kBedrockGeographies[] = {"us", "eu", "apac", "jp", "au", "ca", "us-gov"};

}  // namespace

ModelId parse_model_id(std::string_view raw) {
  ModelId id;
  std::string s = ascii_lower(raw);
  // A provider path ("anthropic/", "bedrock/", "vertex_ai/", an ARN's
  // ".../inference-profile/"): the endpoint when it says so, then dropped.
  if (auto slash = s.rfind('/'); slash != std::string::npos) {
    const std::string_view path = std::string_view(s).substr(0, slash);
    if (path.find("bedrock") != std::string_view::npos) id.endpoint = EndpointKind::kBedrock;
    if (path.find("vertex") != std::string_view::npos) id.endpoint = EndpointKind::kVertex;
    s.erase(0, slash + 1);
  }
  // Bedrock: "[geo.]anthropic.claude-...".
  if (auto pos = s.find("anthropic."); pos != std::string::npos) {
    id.endpoint = EndpointKind::kBedrock;
    std::string_view prefix = std::string_view(s).substr(0, pos);
    if (!prefix.empty() && prefix.back() == '.') prefix.remove_suffix(1);
    if (prefix.empty()) {
      id.regional = true;  // an in-region model id
    } else if (prefix != "global") {
      for (std::string_view geo : kBedrockGeographies)
        if (prefix == geo) id.regional = true;
      if (id.regional) id.region = std::string(prefix);
    }
    s.erase(0, pos + 10);
  }
  if (s.size() > 4 && s.ends_with("[1m]")) s.resize(s.size() - 4);
  // Bedrock "-v1:0" / "-v2".
  if (auto pos = s.rfind("-v"); pos != std::string::npos) {
    std::string_view tail = std::string_view(s).substr(pos + 2);
    const auto colon = tail.find(':');
    if (is_digits(tail.substr(0, colon)) &&
        (colon == std::string_view::npos || is_digits(tail.substr(colon + 1))))
      s.resize(pos);
  }
  // Vertex "@20250929" (or "@default").
  if (auto at = s.find('@'); at != std::string::npos) {
    id.endpoint = EndpointKind::kVertex;
    s.resize(at);
  }
  if (s.ends_with("-latest")) s.resize(s.size() - 7);
  if (s.size() > 9 && s[s.size() - 9] == '-' && is_digits(std::string_view(s).substr(s.size() - 8)))
    s.resize(s.size() - 9);
  id.family = std::move(s);
  return id;
}

std::string normalize_model_id(std::string_view raw) {
  return parse_model_id(raw).family;
}

const char* endpoint_name(EndpointKind kind) {
  switch (kind) {
    case EndpointKind::kAnthropic:
      return "anthropic";
    case EndpointKind::kBedrock:
      return "bedrock";
    case EndpointKind::kVertex:
      return "vertex";
  }
  return "anthropic";
}

}  // namespace codepulse
