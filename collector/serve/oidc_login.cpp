// The single sign-on flow: discovery, the authorization URL with PKCE, the
// code exchange at the token endpoint and the ID token checks.
#include "collector/serve/oidc_login.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <simdjson.h>

#include <algorithm>

#include "collector/providers/provider_fetch.hpp"
#include "common/ascii.hpp"
#include "common/hashing.hpp"
#include "common/text_controls.hpp"

namespace codepulse::collector {
namespace {

constexpr size_t kRandomBytes = 32;
constexpr size_t kMaxCodeChars = 2048;

Result<std::string> random_text() {
  unsigned char raw[kRandomBytes];
  if (RAND_bytes(raw, sizeof raw) != 1) return make_error("cannot get random bytes for a login");
  return base64url_encode(std::string_view(reinterpret_cast<const char*>(raw), sizeof raw));
}

std::string sha256_bytes(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(data.data(), data.size(), digest, &n, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<const char*>(digest), n);
}

std::string base64_standard(std::string_view data) {
  std::string out(4 * ((data.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(data.data()),
                                static_cast<int>(data.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

std::string field_of(simdjson::dom::element doc, const char* name) {
  std::string_view v;
  if (doc[name].get_string().get(v)) return {};
  return std::string(v);
}

// The start of a provider's body for an error, control characters out.
std::string excerpt(std::string_view body) {
  return replace_control_characters(body.substr(0, 200));
}

bool member_of(const std::vector<std::string>& groups, const std::vector<std::string>& wanted) {
  return std::any_of(groups.begin(), groups.end(), [&](const std::string& g) {
    return std::find(wanted.begin(), wanted.end(), g) != wanted.end();
  });
}

Result<std::string> get_body(const OidcHttp& http, const std::string& url, const char* what) {
  HttpRequest req;
  req.method = "GET";
  req.headers.emplace_back("Accept", "application/json");
  auto got = http(url, std::move(req));
  if (!got)
    return make_error(std::string("cannot fetch the provider's ") + what + ": " +
                      got.error().message);
  if (got->status != 200)
    return make_error(std::string("the provider's ") + what + " answered HTTP " +
                      std::to_string(got->status) + ": " + excerpt(got->body));
  return std::move(got->body);
}

}  // namespace

OidcHttp oidc_https(const OidcSettings& settings) {
  return [tls = ClientTls{settings.ca_file, ""}, timeout = settings.timeout_ms](
             const std::string& url, HttpRequest request) -> Result<HttpResponse> {
    auto endpoint = parse_https_url(url, "OpenID provider URL", "tokens travel over it");
    if (!endpoint) return endpoint.error();
    endpoint->agent = "codepulse-collector";
    request.target = "";
    return send_blocking(*endpoint, tls, std::chrono::milliseconds(timeout), std::move(request));
  };
}

Result<ProviderMetadata> parse_discovery(std::string_view json, const std::string& issuer) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(simdjson::padded_string(json)).get(doc) || !doc.is_object())
    return make_error("the provider's discovery document is not a JSON object");
  if (field_of(doc, "issuer") != issuer)
    return make_error("the discovery document's issuer \"" +
                      replace_control_characters(field_of(doc, "issuer")) +
                      "\" is not oidc_issuer \"" + issuer + "\"");
  ProviderMetadata m{field_of(doc, "authorization_endpoint"), field_of(doc, "token_endpoint"),
                     field_of(doc, "jwks_uri")};
  for (const auto& [name, url] :
       {std::pair{"authorization_endpoint", &m.authorization_endpoint},
        std::pair{"token_endpoint", &m.token_endpoint}, std::pair{"jwks_uri", &m.jwks_uri}}) {
    if (url->rfind("https://", 0) != 0)
      return make_error(std::string("the discovery document's ") + name +
                        " is missing or not https");
  }
  return m;
}

Result<IdentityClaims> verify_id_token(std::string_view token, JwksCache& keys,
                                       const ClaimRules& rules, int64_t now_ms) {
  auto jwt = split_jwt(token);
  if (!jwt) return jwt.error();
  if (jwt->alg != "RS256" && jwt->alg != "ES256")
    return make_error("the ID token is signed with \"" + replace_control_characters(jwt->alg) +
                      "\"; only RS256 and ES256 are accepted");
  auto key = keys.key_for(*jwt, now_ms);
  if (!key) return key.error();
  if (auto s = verify_jwt_signature(*jwt, *key); !s) return s.error();
  return check_id_token_claims(jwt->payload, rules);
}

Role role_for_groups(const std::vector<std::string>& groups, const OidcSettings& settings) {
  if (member_of(groups, settings.admin_groups)) return Role::kAdmin;
  if (member_of(groups, settings.finance_groups)) return Role::kFinance;
  return Role::kViewer;
}

std::string scope_for_groups(const std::vector<std::string>& groups, Role role,
                             const std::string& email, const OidcSettings& settings) {
  if (role == Role::kAdmin || role == Role::kFinance) return "org";
  for (const auto& [group, scope] : settings.scope_groups)
    if (std::find(groups.begin(), groups.end(), group) != groups.end()) return scope;
  return "self:" + email;
}

OidcLogin::OidcLogin(OidcSettings settings, Store& store, OidcHttp http, Clock clock)
    : settings_(std::move(settings)),
      store_(store),
      http_(std::move(http)),
      clock_(std::move(clock)),
      jwks_(
          [this]() -> Result<std::string> {
            auto meta = metadata();
            if (!meta) return meta.error();
            return get_body(http_, meta->jwks_uri, "keys (jwks_uri)");
          },
          settings_.jwks_refetch_ms) {}

Result<ProviderMetadata> OidcLogin::metadata() {
  {
    std::lock_guard lock(mu_);
    if (meta_) return *meta_;
  }
  std::string issuer = settings_.issuer;
  while (!issuer.empty() && issuer.back() == '/')
    issuer.pop_back();
  auto body = get_body(http_, issuer + "/.well-known/openid-configuration", "discovery document");
  if (!body) return body.error();
  auto meta = parse_discovery(*body, settings_.issuer);
  if (!meta) return meta.error();
  std::lock_guard lock(mu_);
  meta_ = *meta;
  return *meta;
}

Result<std::string> OidcLogin::begin() {
  auto meta = metadata();
  if (!meta) return meta.error();
  auto state = random_text();
  auto nonce = random_text();
  auto verifier = random_text();
  if (!state || !nonce || !verifier) return make_error("cannot get random bytes for a login");
  const int64_t now = clock_();
  SsoLogin login{sha256_hex(*state), *nonce, *verifier, now};
  if (auto s = store_.add_sso_login(login, now - settings_.login_ms); !s) return s.error();
  std::string scope;
  for (const auto& s : settings_.scopes)
    scope += (scope.empty() ? "" : " ") + s;
  std::string url = meta->authorization_endpoint;
  url += url.find('?') == std::string::npos ? '?' : '&';
  url += "response_type=code&client_id=" + url_encode(settings_.client_id) +
         "&redirect_uri=" + url_encode(settings_.redirect_url) + "&scope=" + url_encode(scope) +
         "&state=" + *state + "&nonce=" + *nonce +
         "&code_challenge=" + base64url_encode(sha256_bytes(*verifier)) +
         "&code_challenge_method=S256";
  return url;
}

Result<std::string> OidcLogin::exchange(const ProviderMetadata& meta, std::string_view code,
                                        const std::string& verifier) {
  HttpRequest req;
  req.method = "POST";
  req.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  req.headers.emplace_back("Accept", "application/json");
  req.body = "grant_type=authorization_code&code=" + url_encode(code) +
             "&redirect_uri=" + url_encode(settings_.redirect_url) +
             "&code_verifier=" + url_encode(verifier);
  if (settings_.client_secret.empty())
    req.body += "&client_id=" + url_encode(settings_.client_id);
  else
    req.headers.emplace_back("Authorization",
                             "Basic " + base64_standard(url_encode(settings_.client_id) + ":" +
                                                        url_encode(settings_.client_secret)));
  auto got = http_(meta.token_endpoint, std::move(req));
  if (!got) return make_error("cannot reach the token endpoint: " + got.error().message);
  if (got->status != 200)
    return make_error("the token endpoint answered HTTP " + std::to_string(got->status) + ": " +
                      excerpt(got->body));
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(simdjson::padded_string(got->body)).get(doc) || !doc.is_object())
    return make_error("the token endpoint's answer is not JSON: " + excerpt(got->body));
  std::string id_token = field_of(doc, "id_token");
  if (id_token.empty()) return make_error("the token endpoint sent no id_token");
  return id_token;
}

std::variant<SsoRefusal, SsoIdentity> OidcLogin::finish(std::string_view code,
                                                        std::string_view state) {
  if (code.empty() || state.empty() || code.size() > kMaxCodeChars || state.size() > 256)
    return SsoRefusal{400, "the provider's answer lacks code or state"};
  auto login = store_.take_sso_login(sha256_hex(state));
  if (!login)
    return SsoRefusal{503, "cannot read the login from the store: " + login.error().message};
  if (!*login)
    return SsoRefusal{401,
                      "unknown or already used login state (a replay, or the login was "
                      "begun on another store); sign in again"};
  const int64_t now = clock_();
  if (now - (*login)->created_ms > settings_.login_ms)
    return SsoRefusal{401, "the login took too long; sign in again"};
  auto meta = metadata();
  if (!meta) return SsoRefusal{502, meta.error().message};
  auto id_token = exchange(*meta, code, (*login)->verifier);
  if (!id_token) return SsoRefusal{502, id_token.error().message};
  ClaimRules rules{settings_.issuer,       settings_.client_id, (*login)->nonce,
                   settings_.groups_claim, now / 1000,          settings_.clock_skew_ms / 1000};
  auto claims = verify_id_token(*id_token, jwks_, rules, now);
  if (!claims) return SsoRefusal{401, "ID token refused: " + claims.error().message};
  const std::string email = ascii_lower(claims->email);
  const Role role = role_for_groups(claims->groups, settings_);
  return SsoIdentity{email, role, scope_for_groups(claims->groups, role, email, settings_)};
}

}  // namespace codepulse::collector
