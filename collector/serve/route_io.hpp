// What a route's handler reads of a request (RouteRequest) and what it
// answers (RouteReply), without Boost.Beast: https_server.cpp translates.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "collector/http/reply.hpp"
#include "collector/serve/viewer_access.hpp"

namespace codepulse::collector {

struct RouteRequest {
  std::string_view method;  // "GET", "POST", ...
  std::string_view target;  // path and query
  // A header's value by name (any case), "" when absent.
  std::function<std::string_view(std::string_view name)> header;
  std::string_view body;  // empty until the body was read
};

struct RouteReply {
  HttpReply http;
  std::string content_type = "application/json";
  Headers headers = {};
};

// The parts of a request the dashboard's access rules read.
WebRequest web_request(const RouteRequest& request);
// The target's query string as (name, value) pairs (http/query_string.hpp);
// none without a '?'.
Result<std::vector<std::pair<std::string, std::string>>> query_params(const RouteRequest& request);

}  // namespace codepulse::collector
