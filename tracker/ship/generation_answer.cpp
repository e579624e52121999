// Reading the collector's store generation from its answers.
#include "tracker/ship/generation_answer.hpp"

#include "common/time.hpp"

namespace codepulse::tracker {

HttpRequest generation_request(const std::string& token) {
  HttpRequest req;
  req.method = "GET";
  req.target = "/v1/generation";
  req.headers = {{"Authorization", "Bearer " + token}};
  return req;
}

std::optional<CollectorGeneration> generation_in(simdjson::dom::element doc) {
  std::string_view id;
  if (doc["generation"].get_string().get(id) || id.empty() || id.size() > 128) return std::nullopt;
  CollectorGeneration g;
  g.id = std::string(id);
  std::string_view backup;
  if (!doc["backup_time"].get_string().get(backup)) g.backup_ms = parse_iso8601_utc_ms(backup);
  return g;
}

std::optional<CollectorGeneration> generation_in(const std::string& body) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(body).get(doc)) return std::nullopt;
  return generation_in(doc);
}

}  // namespace codepulse::tracker
