#include "tracker/ship/collector_url.hpp"

namespace codepulse::tracker {

Result<CollectorEndpoint> parse_collector_url(const std::string& url) {
  auto endpoint = parse_https_url(url, "collector URL", "records are only sent encrypted");
  if (endpoint) endpoint->agent = "codepulse-tracker";
  return endpoint;
}

}  // namespace codepulse::tracker
