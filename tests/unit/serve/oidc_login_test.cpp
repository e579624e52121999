// The single sign-on flow against a provider faked in the test (its answers
// to discovery, the JWKS and the token endpoint) and a SQLite store: PKCE
// and the authorization URL, the state taken once (a replay is refused), the
// nonce bound to its login, sessions kept in the store and ended at logout,
// and a provider that is down or answers garbage. The store part runs on
// SQLite and PostgreSQL.
#include "collector/serve/oidc_login.hpp"

#include <openssl/evp.h>

#include <catch2/catch.hpp>

#include "collector/serve/sso_routes.hpp"
#include "common/hashing.hpp"
#include "tests/support/oidc_signer.hpp"
#include "tests/support/store_targets.hpp"
#include "tests/support/test_support.hpp"

using namespace codepulse;
using namespace codepulse::collector;
using codepulse::test::OidcSigner;

namespace {

// The value of `name` in a URL's query, undecoded.
std::string query_value(const std::string& url, const std::string& name) {
  const auto at = url.find("&" + name + "=");
  if (at == std::string::npos) return {};
  const auto from = at + name.size() + 2;
  return url.substr(from, url.find('&', from) - from);
}

HttpResponse answer(int status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

struct FakeProvider {
  OidcSigner key{"RS256", "k1"};
  bool down = false;
  std::string token_body;  // what the token endpoint answers
  std::string last_token_request;
  int64_t now_s = 1'800'000'000;

  OidcHttp http() {
    return [this](const std::string& url, HttpRequest req) -> Result<HttpResponse> {
      if (down) return make_error("connect: connection refused");
      if (url == "https://idp.example/.well-known/openid-configuration")
        return answer(200, R"({"issuer":"https://idp.example",)"
                           R"("authorization_endpoint":"https://idp.example/auth",)"
                           R"("token_endpoint":"https://idp.example/token",)"
                           R"("jwks_uri":"https://idp.example/jwks"})");
      if (url == "https://idp.example/jwks") return answer(200, test::jwks({&key}));
      if (url == "https://idp.example/token") {
        last_token_request = req.body;
        return answer(200, token_body);
      }
      return answer(404, "no");
    };
  }
  std::string id_token(const std::string& nonce, const std::string& groups = R"(["cp-admins"])") {
    return R"({"id_token":")" +
           key.sign(R"({"iss":"https://idp.example","aud":"cp","sub":"u1",)"
                    R"("email":"Lead@Acme.example","groups":)" +
                    groups + R"(,"exp":)" + std::to_string(now_s + 300) + R"(,"iat":)" +
                    std::to_string(now_s) + R"(,"nonce":")" + nonce + R"("})") +
           R"("})";
  }
};

OidcSettings settings() {
  OidcSettings s;
  s.issuer = "https://idp.example";
  s.client_id = "cp";
  s.client_secret = "s3cret-s3cret";
  s.redirect_url = "https://localhost:8443/v1/sso/callback";
  s.admin_groups = {"cp-admins"};
  return s;
}

std::string challenge_of(const std::string& verifier) {
  unsigned char d[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(verifier.data(), verifier.size(), d, &n, EVP_sha256(), nullptr);
  return base64url_encode(std::string(reinterpret_cast<char*>(d), n));
}

}  // namespace

TEST_CASE("single sign-on: login with PKCE, the replayed state refused", "[sso][oidc]") {
  test::TempDir dir;
  auto store = open_store(dir / "c.db");
  REQUIRE(store);
  FakeProvider idp;
  OidcLogin oidc(settings(), **store, idp.http(), [&] { return idp.now_s * 1000; });

  auto url = oidc.begin();
  REQUIRE(url);
  CHECK(url->rfind("https://idp.example/auth?response_type=code&client_id=cp&", 0) == 0);
  CHECK(query_value(*url, "code_challenge_method") == "S256");
  CHECK(query_value(*url, "redirect_uri") ==
        "https%3A%2F%2Flocalhost%3A8443%2Fv1%2Fsso%2Fcallback");
  const std::string state = query_value(*url, "state"), nonce = query_value(*url, "nonce");
  REQUIRE(state.size() == 43);
  REQUIRE(nonce.size() == 43);

  idp.token_body = idp.id_token(nonce);
  auto who = oidc.finish("the-code", state);
  REQUIRE(std::holds_alternative<SsoIdentity>(who));
  CHECK(std::get<SsoIdentity>(who).email == "lead@acme.example");
  CHECK(std::get<SsoIdentity>(who).role == Role::kAdmin);
  // PKCE: the verifier sent matches the challenge of the authorization URL.
  const std::string verifier = query_value("&" + idp.last_token_request, "code_verifier");
  CHECK(challenge_of(verifier) == query_value(*url, "code_challenge"));
  CHECK(idp.last_token_request.find("grant_type=authorization_code&code=the-code") == 0);

  // The same state again (a replayed callback): refused, whatever the token.
  auto again = oidc.finish("the-code", state);
  REQUIRE(std::holds_alternative<SsoRefusal>(again));
  CHECK(std::get<SsoRefusal>(again).status == 401);
  CHECK_THAT(std::get<SsoRefusal>(again).message, Catch::Contains("already used"));
}

TEST_CASE("single sign-on: sessions and logins live in the store, taken once, ended at logout",
          "[sso][oidc][store]") {
  test::TempDir dir;
  CODEPULSE_STORE_TARGET(target, dir);
  auto store = open_store(target.db);
  REQUIRE(store);
  // A login is taken once; logins older than the purge time go as another is added.
  REQUIRE((*store)->add_sso_login({"h1", "nonce-1", "verifier-1", 1000}, 0));
  auto taken = (*store)->take_sso_login("h1");
  REQUIRE(taken);
  REQUIRE(*taken);
  CHECK((*taken)->nonce == "nonce-1");
  CHECK((*taken)->verifier == "verifier-1");
  CHECK(!*(*store)->take_sso_login("h1"));
  REQUIRE((*store)->add_sso_login({"h2", "n", "v", 1000}, 0));
  REQUIRE((*store)->add_sso_login({"h3", "n", "v", 5000}, 2000));
  CHECK(!*(*store)->take_sso_login("h2"));
  CHECK(*(*store)->take_sso_login("h3"));

  // A session in the store, found by the hash of the cookie's id, ended by logout.
  RouteReply opened =
      open_sso_session(**store, SsoIdentity{"lead@acme.example", Role::kAdmin}, 1000, 60'000);
  CHECK(opened.http.status == 302);
  std::string cookie;
  for (const auto& [k, v] : opened.headers)
    if (k == "Set-Cookie") cookie = v;
  CHECK_THAT(cookie, Catch::Contains("HttpOnly") && Catch::Contains("Secure") &&
                         Catch::Contains("SameSite=Strict") && Catch::Contains("Max-Age=60"));
  const std::string id =
      cookie.substr(cookie.find('=') + 1, cookie.find(';') - cookie.find('=') - 1);
  CHECK(id.rfind("sso_", 0) == 0);
  auto found = (*store)->find_sso_session(sha256_hex(id), 2000);
  REQUIRE(found);
  REQUIRE(*found);
  CHECK((*found)->email == "lead@acme.example");
  CHECK((*found)->role == "admin");
  CHECK(!*(*store)->find_sso_session(sha256_hex(id), 61'000));  // expired
  CHECK(!*(*store)->find_sso_session(id, 2000));                // only the hash is a key
  REQUIRE((*store)->end_sso_session(sha256_hex(id)));
  CHECK(!*(*store)->find_sso_session(sha256_hex(id), 2000));
}

TEST_CASE("single sign-on: a token for another login's nonce is refused", "[sso][oidc]") {
  test::TempDir dir;
  auto store = open_store(dir / "c.db");
  REQUIRE(store);
  FakeProvider idp;
  OidcLogin oidc(settings(), **store, idp.http(), [&] { return idp.now_s * 1000; });
  auto first = oidc.begin();
  auto second = oidc.begin();
  REQUIRE(first);
  REQUIRE(second);
  // The provider (or an attacker) answers the second login with the first's nonce.
  idp.token_body = idp.id_token(query_value(*first, "nonce"));
  auto who = oidc.finish("code", query_value(*second, "state"));
  REQUIRE(std::holds_alternative<SsoRefusal>(who));
  CHECK_THAT(std::get<SsoRefusal>(who).message, Catch::Contains("nonce"));
  // An unknown state never reaches the provider.
  idp.last_token_request.clear();
  auto unknown = oidc.finish("code", "made-up-state");
  REQUIRE(std::holds_alternative<SsoRefusal>(unknown));
  CHECK(idp.last_token_request.empty());
}

TEST_CASE("single sign-on: a provider down or answering garbage is a clear error", "[sso][oidc]") {
  test::TempDir dir;
  auto store = open_store(dir / "c.db");
  REQUIRE(store);
  FakeProvider idp;
  idp.down = true;
  OidcLogin oidc(settings(), **store, idp.http(), [&] { return idp.now_s * 1000; });
  auto url = oidc.begin();
  REQUIRE(!url);
  CHECK_THAT(url.error().message, Catch::Contains("discovery") && Catch::Contains("refused"));
  idp.down = false;
  url = oidc.begin();
  REQUIRE(url);
  idp.token_body = "<html>502 Bad Gateway</html>";
  auto who = oidc.finish("code", query_value(*url, "state"));
  REQUIRE(std::holds_alternative<SsoRefusal>(who));
  CHECK(std::get<SsoRefusal>(who).status == 502);
  CHECK_THAT(std::get<SsoRefusal>(who).message, Catch::Contains("not JSON"));
}
