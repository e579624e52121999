#include "collector/serve/dashboard_assets.hpp"

#include <cstddef>

#include "collector/dashboard/embedded_dashboard.hpp"

namespace codepulse::collector {
namespace {

std::string type_of(std::string_view name) {
  auto ends = [name](std::string_view ext) {
    return name.size() >= ext.size() && name.substr(name.size() - ext.size()) == ext;
  };
  if (ends(".html")) return "text/html; charset=utf-8";
  if (ends(".js")) return "text/javascript; charset=utf-8";
  if (ends(".css")) return "text/css; charset=utf-8";
  if (ends(".svg")) return "image/svg+xml";
  if (ends(".png")) return "image/png";
  if (ends(".ico")) return "image/x-icon";
  if (ends(".map") || ends(".json")) return "application/json";
  return "application/octet-stream";
}

}  // namespace

std::optional<DashboardAsset> find_dashboard_asset(std::string_view path) {
  std::string_view name;
  if (path == "/" || path == "/index.html")
    name = "index.html";
  else if (path.substr(0, 8) == "/assets/" && path.size() > 8)
    name = path.substr(1);
  else
    return std::nullopt;
  for (size_t i = 0; i < kEmbeddedDashboardCount; ++i) {
    const EmbeddedFile& f = kEmbeddedDashboard[i];
    if (f.name != name) continue;
    DashboardAsset a;
    a.body = std::string_view(reinterpret_cast<const char*>(f.data), f.size);
    a.content_type = type_of(name);
    // index.html names the bundle files by content hash, so they never change
    // under their name; the page itself is checked again every time.
    a.headers.emplace_back(
        "Cache-Control", name == "index.html" ? "no-cache" : "public, max-age=31536000, immutable");
    a.headers.emplace_back("Content-Security-Policy", kDashboardCsp);
    a.headers.emplace_back("X-Frame-Options", "DENY");
    a.headers.emplace_back("Referrer-Policy", "no-referrer");
    a.headers.emplace_back("Cross-Origin-Opener-Policy", "same-origin");
    a.headers.emplace_back("Cross-Origin-Resource-Policy", "same-origin");
    return a;
  }
  return std::nullopt;
}

}  // namespace codepulse::collector
