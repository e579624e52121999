// The dashboard's files (collector/dashboard/dist/, built from web/ and
// committed), embedded into the binary at build time: GET / is index.html,
// GET /assets/NAME a bundle file. Each comes with its type, caching and the
// security headers every dashboard response carries.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace codepulse::collector {

struct DashboardAsset {
  std::string_view body;
  std::string content_type;
  std::vector<std::pair<std::string, std::string>> headers;  // caching, CSP, nosniff...
};

// nullopt: no such file. `path` is the request path without its query.
std::optional<DashboardAsset> find_dashboard_asset(std::string_view path);

// The Content-Security-Policy of the dashboard: its own origin only.
inline constexpr const char* kDashboardCsp =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'";

}  // namespace codepulse::collector
