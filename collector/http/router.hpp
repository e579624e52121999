// A server's route table and the decision it makes from a request's method
// and target: the route that serves it, or 404 (no such path) or 405 (not
// that method). Handlers are the server's business: a route names its
// handler by a number. render_routes() lists the table for --help.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace codepulse::collector {

// Who may call a route. The handler checks; the table says so for the help.
enum class Access {
  kAnyone,         // no credentials
  kTrackerToken,   // a tracker or admin token
  kReader,         // a viewer or admin token, or a dashboard session
  kAnyToken,       // any token, or a dashboard session
  kLoginToken,     // a viewer or admin token, sent in the body
  kSessionCsrf,    // a dashboard session and its CSRF header
  kWebhookSecret,  // the webhook's shared secret (or a signature made with it)
  kAdmin,          // an admin token, or an admin's session (changes: with its CSRF header)
  kSsoCallback,    // a login's state and code, as the OpenID provider sends the browser back
  kScimToken,      // a SCIM token (token create --role scim); no other token
};

// "anyone", "tracker or admin token", ...: what the help shows.
const char* access_name(Access access);

struct Route {
  std::string_view method;  // "GET", "POST", "DELETE", ...
  std::string_view path;    // "/v1/report"; with `prefix`, "/assets/"
  bool prefix = false;      // every path that starts with `path`
  bool any_method = false;  // other methods reach this handler too (it answers them)
  Access access = Access::kAnyone;
  size_t body_limit = 0;  // largest body read for the handler; 0: the handler reads it
  int handler = 0;        // the server's handler of this route
  std::string_view summary;
};

struct RouteMatch {
  enum class Kind { kFound, kNotFound, kWrongMethod };
  Kind kind = Kind::kNotFound;
  // kFound: the route to serve; kWrongMethod: the first route of the path.
  const Route* route = nullptr;
  // The name the request is counted under: the route's path (a prefix route's
  // without its final '/'), or "other" when no route has the path.
  std::string label = "other";
  std::string allowed;  // kWrongMethod: the path's methods, "POST" or "GET, POST or DELETE"
};

class Router {
 public:
  explicit Router(std::vector<Route> routes) : routes_(std::move(routes)) {}

  // `target` is the request target; its query ("?...") is ignored. The first
  // route whose path matches picks the path; the routes listed with that same
  // path then pick by method.
  RouteMatch match(std::string_view method, std::string_view target) const;
  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

// One line per route, aligned: "  METHOD  PATH  WHO  SUMMARY"; a prefix route's
// path ends in "*".
std::string render_routes(const std::vector<Route>& routes);

}  // namespace codepulse::collector
