// The dashboard's single sign-on routes (docs/SSO.md): GET /v1/sso (is it
// on?), GET /v1/sso/login (to the provider), GET /v1/sso/callback (back from
// it: a session in the store and its cookie) and POST /v1/sso/logout.
#pragma once

#include "collector/serve/oidc_login.hpp"
#include "collector/serve/route_io.hpp"

namespace codepulse::collector {

struct SsoRoutes {
  OidcLogin* oidc;  // null when single sign-on is off
  ViewerAccess& viewers;
  Store& store;
};

// `handler` is one of Handler::kSsoStatus, kSsoLogin, kSsoCallback, kSsoLogout.
RouteReply sso_route(int handler, SsoRoutes& routes, const RouteRequest& request);

// A session for `who` in the store: its cookie, and a redirect to the
// dashboard (`now_ms` starts its lifetime of `session_ms`).
RouteReply open_sso_session(Store& store, const SsoIdentity& who, int64_t now_ms,
                            int64_t session_ms);

}  // namespace codepulse::collector
