// The admin APIs' caller check and replies (admin_access.hpp).
#include "collector/serve/admin_access.hpp"

#include "collector/http/query_string.hpp"

namespace codepulse::collector {

std::variant<std::string, RouteReply> admin_caller(ViewerAccess& viewers,
                                                   const RouteRequest& request,
                                                   std::string_view api) {
  const WebRequest web = web_request(request);
  auto who = viewers.identify(web, false);
  if (auto* r = std::get_if<HttpReply>(&who)) return RouteReply{std::move(*r)};
  const Viewer& viewer = std::get<Viewer>(who);
  if (viewer.token.role != Role::kAdmin)
    return admin_error(403, "the " + std::string(api) + " needs an admin token; this is a " +
                                role_name(viewer.token.role) + " token");
  // An admin scoped to part of the organisation reads reports of that
  // part; the admin APIs act on the whole organisation.
  if (auto refused = refuse_partial_scope(viewers.access(viewer), "the " + std::string(api)))
    return admin_json(refused->status, std::move(refused->body));
  if (request.method != "GET")
    if (auto refused = refuse_cross_site(viewer, web, viewers.origins()))
      return RouteReply{std::move(*refused)};
  return viewer.token.author;
}

RouteReply admin_json(int status, std::string body) {
  RouteReply reply{{status, std::move(body)}};
  reply.headers.emplace_back("Cache-Control", "no-store");
  return reply;
}

RouteReply admin_error(int status, const std::string& message) {
  return admin_json(status, error_json(status, message));
}

std::optional<std::string> query_value(const RouteRequest& request, std::string_view name,
                                       std::string& error) {
  const auto q = request.target.find('?');
  if (q == std::string_view::npos) return std::nullopt;
  auto pairs = parse_query_string(request.target.substr(q + 1));
  if (!pairs) {
    error = pairs.error().message;
    return std::nullopt;
  }
  for (const auto& [k, v] : *pairs)
    if (k == name) return v;
  return std::nullopt;
}

}  // namespace codepulse::collector
