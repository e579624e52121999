// Who may read the dashboard's endpoints, without the HTTP plumbing: a bearer
// token (scripts, the CLI) or the session cookie a viewer got by logging in
// (POST /v1/session). Login, logout and the session's CSRF rules live here;
// docs/SECURITY.md ("Dashboard sessions") explains the choices.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "collector/ingest/batch_endpoint.hpp"
#include "collector/serve/session_store.hpp"
#include "collector/store/store.hpp"
#include "common/report/access_scope.hpp"

namespace codepulse::collector {

inline constexpr const char* kSessionCookie = "__Host-codepulse_session";
inline constexpr const char* kCsrfHeader = "X-Codepulse-CSRF";
// A single sign-on session's id starts so (sso_sessions.hpp); it lives in the
// store, a token session's in memory.
inline constexpr std::string_view kSsoSessionPrefix = "sso_";

// The parts of an HTTP request these rules read.
struct WebRequest {
  std::string_view method;  // "GET", "POST", "DELETE", ...
  std::string_view authorization, cookie, csrf, origin, host, sec_fetch_site, content_type;
  std::string_view body;
};

using Headers = std::vector<std::pair<std::string, std::string>>;

// A reply with more headers than HttpReply carries (Set-Cookie, Cache-Control).
struct WebReply {
  HttpReply http;
  Headers headers = {};
};

struct Viewer {
  TokenInfo token;         // for a single sign-on session: its email as author, its role, id 0
  std::string session_id;  // empty for a bearer token
  std::string csrf;        // the session's CSRF value
};

class ViewerAccess {
 public:
  using Clock = std::function<int64_t()>;
  ViewerAccess(Store& store, SessionStore& sessions, Clock clock);

  // The caller: the bearer token when there is an Authorization header, else
  // the session cookie. `readers_only`: a tracker token gets 403.
  std::variant<HttpReply, Viewer> identify(const WebRequest& r, bool readers_only);
  // POST /v1/session {"token": "..."}: a viewer or admin token gets a session cookie.
  WebReply login(const WebRequest& r);
  // DELETE /v1/session: needs the CSRF header and a same-origin request.
  WebReply logout(const WebRequest& r);
  // GET /v1/session: who is logged in, and the CSRF value again (after a reload).
  WebReply current(const WebRequest& r);
  // The origins the dashboard is served from (dashboard_origins.hpp); set
  // before serving.
  void allow_origins(std::vector<std::string> origins) { origins_ = std::move(origins); }
  const std::vector<std::string>& origins() const { return origins_; }
  // The privacy floor (min_group_size; 0: off), set before serving.
  void set_min_group_size(size_t k) { min_group_size_ = k; }
  // What `v` may see (docs/ACCESS.md): the scope of its token or session,
  // and the privacy floor when its role and scope may not see individuals
  // (a viewer scoped beyond themselves). A scope the store holds that does
  // not parse gives the caller's own usage only.
  report::ReportAccess access(const Viewer& v) const;
  report::ReportAccess access(const TokenInfo& token) const;

 private:
  Store& store_;
  SessionStore& sessions_;
  Clock clock_;
  std::vector<std::string> origins_;
  size_t min_group_size_ = 0;
};

// The refusal (403) of a caller whose scope is not the whole organisation,
// for what only an organisation-wide caller may read (`what`: "the
// statement", ...); nullopt for an organisation-wide caller.
std::optional<HttpReply> refuse_partial_scope(const report::ReportAccess& access,
                                              std::string_view what);

// False when the browser says the request comes from another site: an Origin
// not among `origins` (the dashboard's, never derived from the request's
// Host), or Sec-Fetch-Site other than same-origin/none.
bool same_origin(const WebRequest& r, const std::vector<std::string>& origins);
// A state-changing request of a dashboard session must come from one of the
// dashboard's origins and carry the session's CSRF header: the refusal (403)
// when it does not, nullopt when it may go on (always for a bearer token).
std::optional<HttpReply> refuse_cross_site(const Viewer& v, const WebRequest& r,
                                           const std::vector<std::string>& origins);
// The Set-Cookie value of the session cookie; Max-Age 0 deletes it.
std::string session_cookie(const std::string& id, int64_t max_age_s);
// The "token" string of a login body, or what is wrong with the body.
Result<std::string> login_token(std::string_view body);

}  // namespace codepulse::collector
