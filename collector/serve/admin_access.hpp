// What every admin API (prices, seats) does first: the caller must be an
// admin token or an admin's session (whose changes need its CSRF header and
// an allowed origin); the JSON replies those APIs answer with, and their
// query parameters.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "collector/serve/route_io.hpp"
#include "collector/serve/viewer_access.hpp"

namespace codepulse::collector {

// The admin's author (who makes a change), or the refusal to send: 401 as
// identify() answers it, 403 for another role ("the <api> needs an admin
// token; this is a viewer token"), or a cross-site refusal of a change.
std::variant<std::string, RouteReply> admin_caller(ViewerAccess& viewers,
                                                   const RouteRequest& request,
                                                   std::string_view api);

// `body` with Cache-Control: no-store.
RouteReply admin_json(int status, std::string body);
// error_json(status, message), the same way.
RouteReply admin_error(int status, const std::string& message);

// The value of query parameter `name` in the request's target; nullopt when
// absent, or when the query string is malformed (then `error` says why).
std::optional<std::string> query_value(const RouteRequest& request, std::string_view name,
                                       std::string& error);

}  // namespace codepulse::collector
