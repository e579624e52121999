// Single sign-on routes: the redirects to and from the OpenID provider, the
// session they open, and logout.
#include "collector/serve/sso_routes.hpp"

#include "collector/serve/routes.hpp"
#include "common/hashing.hpp"
#include "common/json_writer.hpp"
#include "common/time.hpp"

namespace codepulse::collector {
namespace {

RouteReply redirect(const std::string& location) {
  RouteReply r{{302, ""}, "text/plain; charset=utf-8"};
  r.headers.emplace_back("Location", location);
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

RouteReply off() {
  return {{404, error_json(404, "single sign-on is off (set oidc_issuer: docs/SSO.md)")}};
}

RouteReply status(const OidcLogin* oidc) {
  std::string body;
  JsonWriter w(body);
  w.begin_object().field("enabled", oidc != nullptr);
  if (oidc) w.field("login", "/v1/sso/login");
  w.end_object();
  return {{200, body}};
}

RouteReply callback(OidcLogin& oidc, Store& store, const RouteRequest& request) {
  auto params = query_params(request);
  if (!params) return {{400, error_json(400, params.error().message)}};
  std::string code, state, error, description, iss;
  for (const auto& [k, v] : *params) {
    if (k == "iss") iss = v;
    if (k == "code") code = v;
    if (k == "state") state = v;
    if (k == "error") error = v;
    if (k == "error_description") description = v;
  }
  if (!error.empty()) {
    // Still take the state, so this login cannot be finished later.
    if (!state.empty()) (void)store.take_sso_login(sha256_hex(state));
    return {{401, error_json(401, "the provider refused the login: " + error +
                                      (description.empty() ? "" : " (" + description + ")"))}};
  }
  // RFC 9207: a provider that names itself must be ours (a mix-up otherwise).
  if (!iss.empty() && iss != oidc.settings().issuer) {
    (void)store.take_sso_login(sha256_hex(state));
    return {{401, error_json(401, "the answer comes from another issuer than oidc_issuer")}};
  }
  auto who = oidc.finish(code, state);
  if (auto* refused = std::get_if<SsoRefusal>(&who))
    return {{refused->status, error_json(refused->status, refused->message),
             refused->status >= 500 ? 5 : 0}};
  return open_sso_session(store, std::get<SsoIdentity>(who), now_utc_ms(),
                          oidc.settings().session_ms);
}

}  // namespace

RouteReply open_sso_session(Store& store, const SsoIdentity& who, int64_t now_ms,
                            int64_t session_ms) {
  auto id = random_hex();
  auto csrf = random_hex();
  if (!id || !csrf) return {{503, error_json(503, "cannot get random bytes for a session"), 1}};
  const std::string session_id = std::string(kSsoSessionPrefix) + *id;
  SsoSession row{sha256_hex(session_id), who.email, role_name(who.role), *csrf, now_ms,
                 now_ms + session_ms};
  if (auto s = store.add_sso_session(row); !s)
    return {{503, error_json(503, "cannot store the session: " + s.error().message), 1}};
  // The audit log names who logged in, never the session id.
  (void)store.append_audit(AuditEvent{0, now_ms, who.email + " (sso)", "sso.login", who.email,
                                      std::string("a ") + role_name(who.role) + " session"});
  RouteReply r = redirect("/");
  r.headers.emplace_back("Set-Cookie", session_cookie(session_id, session_ms / 1000));
  return r;
}

RouteReply sso_route(int handler, SsoRoutes& routes, const RouteRequest& request) {
  if (handler == Handler::kSsoStatus) return status(routes.oidc);
  if (handler == Handler::kSsoLogout) {
    WebReply web = routes.viewers.logout(web_request(request));
    return {std::move(web.http), "application/json", std::move(web.headers)};
  }
  if (!routes.oidc) return off();
  if (handler == Handler::kSsoLogin) {
    auto url = routes.oidc->begin();
    if (!url)
      return {{502, error_json(502, "single sign-on cannot start: " + url.error().message), 5}};
    return redirect(*url);
  }
  return callback(*routes.oidc, routes.store, request);
}

}  // namespace codepulse::collector
