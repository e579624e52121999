#include "collector/serve/viewer_access.hpp"

#include <openssl/crypto.h>
#include <simdjson.h>

#include <algorithm>

#include "common/hashing.hpp"
#include "common/json_writer.hpp"

namespace codepulse::collector {
namespace {

constexpr size_t kMaxTokenChars = 256;

HttpReply unauthorized(const std::string& message) {
  return HttpReply{401, error_json(401, message), 0, false, false};
}

bool equal_secret(std::string_view a, std::string_view b) {
  return a.size() == b.size() && !a.empty() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

// `min_group_size`: the privacy floor the caller's reports are under (0:
// none), so the dashboard can say why rows read "(others)".
std::string session_json(const TokenInfo& token, const std::string& csrf,
                         std::optional<int64_t> expires_ms, size_t min_group_size) {
  std::string body;
  JsonWriter w(body);
  w.begin_object()
      .field("author", token.author)
      .field("role", role_name(token.role))
      .field("scope", token.scope)
      .field("min_group_size", static_cast<int64_t>(min_group_size))
      .field("csrf", csrf)
      .field("expires_ms", expires_ms)
      .end_object();
  return body;
}

// The single sign-on session `id` (sso_sessions in the store), or the refusal.
std::variant<HttpReply, Viewer> sso_viewer(Store& store, std::string_view id, int64_t now_ms) {
  auto session = store.find_sso_session(sha256_hex(id), now_ms);
  if (!session)
    return HttpReply{
        503, error_json(503, "cannot check the session now: " + session.error().message), 1};
  if (!*session) return unauthorized("the session has ended; sign in again");
  auto role = parse_role((*session)->role);
  if (!role || *role == Role::kTracker) return unauthorized("the session has no dashboard role");
  Viewer v;
  v.token.author = (*session)->email;
  v.token.role = *role;
  v.token.created_ms = (*session)->created_ms;
  v.token.label = "single sign-on";
  v.token.scope = (*session)->scope;
  v.session_id = std::string(id);
  v.csrf = (*session)->csrf;
  return v;
}

}  // namespace

std::string session_cookie(const std::string& id, int64_t max_age_s) {
  return std::string(kSessionCookie) + "=" + id + "; Path=/; Secure; HttpOnly; SameSite=Strict; " +
         "Max-Age=" + std::to_string(max_age_s);
}

Result<std::string> login_token(std::string_view body) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(simdjson::padded_string(body)).get(doc))
    return make_error("the body is not JSON; send {\"token\": \"...\"}");
  std::string_view token;
  if (doc["token"].get_string().get(token) || token.empty() || token.size() > kMaxTokenChars)
    return make_error("the body needs a \"token\" string (a viewer or admin token)");
  return std::string(token);
}

bool same_origin(const WebRequest& r, const std::vector<std::string>& origins) {
  if (!r.origin.empty() && std::find(origins.begin(), origins.end(), r.origin) == origins.end())
    return false;
  if (!r.sec_fetch_site.empty() && r.sec_fetch_site != "same-origin" && r.sec_fetch_site != "none")
    return false;
  return true;
}

std::optional<HttpReply> refuse_partial_scope(const report::ReportAccess& access,
                                              std::string_view what) {
  if (access.scope.whole()) return std::nullopt;
  return HttpReply{
      403, error_json(403, std::string(what) + " covers the whole organisation; your scope is " +
                               access.scope.text() +
                               " (ask an admin for an organisation-wide token or "
                               "role)")};
}

report::ReportAccess ViewerAccess::access(const Viewer& v) const {
  return access(v.token);
}

report::ReportAccess ViewerAccess::access(const TokenInfo& token) const {
  report::ReportAccess a;
  if (auto scope = report::parse_access_scope(token.scope)) {
    a.scope = std::move(scope).value();
  } else {
    a.scope.kind = report::AccessScope::Kind::kSelf;
    a.scope.node_kind = "self";
    a.scope.name = token.author;
  }
  // Admins and finance see individuals; a self scope is one's own usage.
  if (token.role == Role::kViewer && a.scope.kind != report::AccessScope::Kind::kSelf &&
      min_group_size_ > 1)
    a.min_group_size = min_group_size_;
  return a;
}

ViewerAccess::ViewerAccess(Store& store, SessionStore& sessions, Clock clock)
    : store_(store), sessions_(sessions), clock_(std::move(clock)) {}

std::variant<HttpReply, Viewer> ViewerAccess::identify(const WebRequest& r, bool readers_only) {
  Viewer viewer;
  const std::string_view id = cookie_value(r.cookie, kSessionCookie);
  if (!r.authorization.empty() || id.empty()) {
    auto who = authenticate_bearer(store_, r.authorization);
    if (auto* reply = std::get_if<HttpReply>(&who)) return std::move(*reply);
    viewer.token = std::get<TokenInfo>(std::move(who));
  } else if (id.starts_with(kSsoSessionPrefix)) {
    auto sso = sso_viewer(store_, id, clock_());
    if (auto* reply = std::get_if<HttpReply>(&sso)) return std::move(*reply);
    viewer = std::get<Viewer>(std::move(sso));
  } else {
    auto session = sessions_.use(id, clock_());
    if (!session) return unauthorized("the session has ended; log in again");
    // The token is checked again at every request, so revoking it ends the session.
    auto info = store_.authenticate(session->token);
    if (!info)
      return HttpReply{503, error_json(503, "cannot check the token now: " + info.error().message),
                       1};
    if (!*info) {
      sessions_.end(id);
      return unauthorized("the token of this session was revoked; log in with another token");
    }
    viewer.token = std::move(**info);
    viewer.session_id = std::string(id);
    viewer.csrf = session->csrf;
  }
  if (readers_only && viewer.token.role == Role::kTracker)
    return HttpReply{403,
                     error_json(403,
                                "a tracker token cannot read reports; use a viewer or admin "
                                "token"),
                     0};
  return viewer;
}

WebReply ViewerAccess::login(const WebRequest& r) {
  if (!same_origin(r, origins_))
    return {{403, error_json(403,
                             "log in from the dashboard's own page (cross-site request "
                             "refused)")}};
  if (r.content_type.substr(0, 16) != "application/json")
    return {{415, error_json(415, "send the login as Content-Type: application/json")}};
  auto token = login_token(r.body);
  if (!token) return {{400, error_json(400, token.error().message)}};
  auto info = store_.authenticate(*token);
  if (!info)
    return {{503, error_json(503, "cannot check the token now: " + info.error().message), 1}};
  if (!*info) return {unauthorized("unknown or revoked token")};
  if ((*info)->role == Role::kTracker)
    return {{403, error_json(403,
                             "a tracker token cannot open the dashboard; use a viewer or admin "
                             "token (codepulse-collector token create --role viewer)")}};
  auto session = sessions_.create(*token, clock_());
  if (!session) return {{503, error_json(503, session.error().message), 1}};
  WebReply reply{{200, session_json(**info, session->csrf, session->expires_ms,
                                    access(**info).min_group_size)}};
  reply.headers.emplace_back("Set-Cookie",
                             session_cookie(session->id, sessions_.limits().lifetime_ms / 1000));
  reply.headers.emplace_back("Cache-Control", "no-store");
  return reply;
}

std::optional<HttpReply> refuse_cross_site(const Viewer& v, const WebRequest& r,
                                           const std::vector<std::string>& origins) {
  if (v.session_id.empty()) return std::nullopt;
  if (!same_origin(r, origins))
    return HttpReply{403, error_json(403, "cross-site request refused")};
  if (!equal_secret(r.csrf, v.csrf))
    return HttpReply{403,
                     error_json(403, std::string("missing or wrong ") + kCsrfHeader + " header")};
  return std::nullopt;
}

WebReply ViewerAccess::logout(const WebRequest& r) {
  if (!same_origin(r, origins_)) return {{403, error_json(403, "cross-site request refused")}};
  auto who = identify(r, false);
  if (auto* reply = std::get_if<HttpReply>(&who)) return {std::move(*reply)};
  const Viewer& v = std::get<Viewer>(who);
  if (v.session_id.empty())
    return {{400, error_json(400, "no dashboard session to end (a bearer token has none)")}};
  if (auto refused = refuse_cross_site(v, r, origins_)) return {std::move(*refused)};
  if (v.session_id.starts_with(kSsoSessionPrefix)) {
    if (auto s = store_.end_sso_session(sha256_hex(v.session_id)); !s)
      return {{503, error_json(503, "cannot end the session now: " + s.error().message), 1}};
  } else {
    sessions_.end(v.session_id);
  }
  WebReply reply{{200, "{\"status\":\"logged out\"}"}};
  reply.headers.emplace_back("Set-Cookie", session_cookie("", 0));
  reply.headers.emplace_back("Cache-Control", "no-store");
  return reply;
}

WebReply ViewerAccess::current(const WebRequest& r) {
  auto who = identify(r, true);
  if (auto* reply = std::get_if<HttpReply>(&who)) return {std::move(*reply)};
  const Viewer& v = std::get<Viewer>(who);
  WebReply reply{{200, session_json(v.token, v.csrf, std::nullopt, access(v).min_group_size)}};
  reply.headers.emplace_back("Cache-Control", "no-store");
  return reply;
}

}  // namespace codepulse::collector
