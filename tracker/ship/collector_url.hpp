// The collector's URL as the tracker takes it: https only, parsed into the
// endpoint the shared HTTPS client (common/net/https_client.hpp) connects to.
#pragma once

#include <string>

#include "common/net/https_client.hpp"
#include "common/result.hpp"

namespace codepulse::tracker {

using CollectorEndpoint = HttpsEndpoint;

// https://HOST[:PORT][/PREFIX]; anything but https is refused. The endpoint
// introduces itself as codepulse-tracker.
Result<CollectorEndpoint> parse_collector_url(const std::string& url);

}  // namespace codepulse::tracker
