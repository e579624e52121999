#include "collector/http/router.hpp"

#include <algorithm>

#include "common/enum_names.hpp"

namespace codepulse::collector {
namespace {

bool path_matches(const Route& route, std::string_view path) {
  return route.prefix ? path.substr(0, route.path.size()) == route.path : path == route.path;
}

bool same_path(const Route& a, const Route& b) {
  return a.path == b.path && a.prefix == b.prefix;
}

// "GET", "GET or POST", "GET, POST or DELETE".
std::string join_methods(const std::vector<std::string_view>& methods) {
  std::string out;
  for (size_t i = 0; i < methods.size(); ++i) {
    if (i > 0) out += i + 1 == methods.size() ? " or " : ", ";
    out += methods[i];
  }
  return out;
}

std::string shown_path(const Route& route) {
  return std::string(route.path) + (route.prefix ? "*" : "");
}

void pad(std::string& line, size_t width) {
  line += std::string(width - std::min(width, line.size()), ' ');
}

}  // namespace

constexpr EnumName<Access> kAccessNames[] = {
    {Access::kAnyone, "anyone"},
    {Access::kTrackerToken, "tracker or admin token"},
    {Access::kReader, "viewer or admin token, or session"},
    {Access::kAnyToken, "any token, or session"},
    {Access::kLoginToken, "viewer or admin token in the body"},
    {Access::kSessionCsrf, "session and its CSRF header"},
    {Access::kWebhookSecret, "the webhook's secret"},
    {Access::kAdmin, "admin token, or admin session"},
    {Access::kSsoCallback, "state from the OpenID provider"},
    {Access::kScimToken, "SCIM token"}};

// The names are literals: data() ends with a NUL.
const char* access_name(Access access) {
  return name_of(kAccessNames, access).data();
}

RouteMatch Router::match(std::string_view method, std::string_view target) const {
  const std::string_view path = target.substr(0, target.find('?'));
  RouteMatch m;
  const auto first = std::find_if(routes_.begin(), routes_.end(),
                                  [&](const Route& r) { return path_matches(r, path); });
  if (first == routes_.end()) return m;
  m.label = std::string(first->prefix && first->path.ends_with('/')
                            ? first->path.substr(0, first->path.size() - 1)
                            : first->path);
  const Route* fallback = nullptr;
  std::vector<std::string_view> methods;
  for (const Route& r : routes_) {
    if (!same_path(r, *first)) continue;
    if (r.method == method) {
      m.kind = RouteMatch::Kind::kFound;
      m.route = &r;
      return m;
    }
    if (r.any_method && !fallback) fallback = &r;
    if (std::find(methods.begin(), methods.end(), r.method) == methods.end())
      methods.push_back(r.method);
  }
  if (fallback) {
    m.kind = RouteMatch::Kind::kFound;
    m.route = fallback;
    return m;
  }
  m.kind = RouteMatch::Kind::kWrongMethod;
  m.route = &*first;
  m.allowed = join_methods(methods);
  return m;
}

std::string render_routes(const std::vector<Route>& routes) {
  size_t method_width = 0, path_width = 0, who_width = 0;
  for (const Route& r : routes) {
    method_width = std::max(method_width, r.method.size());
    path_width = std::max(path_width, shown_path(r).size());
    who_width = std::max(who_width, std::string_view(access_name(r.access)).size());
  }
  std::string out;
  for (const Route& r : routes) {
    std::string line = "  " + std::string(r.method);
    pad(line, 2 + method_width + 1);
    line += shown_path(r);
    pad(line, 2 + method_width + 1 + path_width + 2);
    line += access_name(r.access);
    pad(line, 2 + method_width + 1 + path_width + 2 + who_width + 2);
    line += r.summary;
    line.erase(line.find_last_not_of(' ') + 1);
    out += line + "\n";
  }
  return out;
}

}  // namespace codepulse::collector
