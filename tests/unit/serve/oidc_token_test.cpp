// Single sign-on ID token checks with keys OpenSSL makes in the test: RS256
// and ES256 signatures, issuer, audience, expiry with the clock-skew
// allowance, nonce, refused algorithms, the groups-to-role mapping, and the
// JWKS cache picking up a rotated key once (and not for every made-up kid).
#include <catch2/catch.hpp>

#include "collector/serve/oidc_login.hpp"
#include "tests/support/oidc_signer.hpp"

using namespace codepulse;
using namespace codepulse::collector;
using codepulse::test::OidcSigner;

namespace {

constexpr int64_t kNow = 1'800'000'000;  // seconds

std::string claims(const std::string& iss = "https://idp.example",
                   const std::string& aud = "\"cp\"", int64_t exp = kNow + 300, int64_t iat = kNow,
                   const std::string& nonce = "n-1") {
  return R"({"iss":")" + iss + R"(","aud":)" + aud + R"(,"sub":"u1","email":"Ann@Acme.example",)" +
         R"("groups":["eng","cp-finance"],"exp":)" + std::to_string(exp) + R"(,"iat":)" +
         std::to_string(iat) + R"(,"nonce":")" + nonce + R"("})";
}

ClaimRules rules() {
  return ClaimRules{"https://idp.example", "cp", "n-1", "groups", kNow, 60};
}

struct Keys {
  std::string doc;
  int fetches = 0;
  JwksCache cache{[this]() -> Result<std::string> {
                    ++fetches;
                    return doc;
                  },
                  60'000};
};

Result<IdentityClaims> verify(const std::string& token, Keys& keys, ClaimRules r = rules(),
                              int64_t now_ms = kNow * 1000) {
  return verify_id_token(token, keys.cache, r, now_ms);
}

}  // namespace

TEST_CASE("an RS256 or ES256 ID token from the provider's key is accepted", "[sso][oidc]") {
  OidcSigner rsa("RS256", "r1"), ec("ES256", "e1");
  Keys keys{test::jwks({&rsa, &ec})};
  auto a = verify(rsa.sign(claims()), keys);
  REQUIRE(a);
  CHECK(a->email == "Ann@Acme.example");
  CHECK(a->subject == "u1");
  CHECK(a->groups == std::vector<std::string>{"eng", "cp-finance"});
  auto b = verify(ec.sign(claims()), keys);
  REQUIRE(b);
  CHECK(keys.fetches == 1);  // the set is fetched once, then kept
  // An audience array holding this client, with azp naming it.
  auto c = verify(rsa.sign(R"({"iss":"https://idp.example","aud":["cp","other"],"azp":"cp",)"
                           R"("sub":"u1","email":"a@b.example","exp":)" +
                           std::to_string(kNow + 60) + R"(,"iat":)" + std::to_string(kNow) +
                           R"(,"nonce":"n-1"})"),
                  keys);
  CHECK(c);
}

TEST_CASE("ID tokens with a wrong issuer, audience, nonce or signature are refused",
          "[sso][oidc]") {
  OidcSigner rsa("RS256", "r1"), other("RS256", "r1");  // `other`: same kid, another key
  Keys keys{test::jwks({&rsa})};
  auto wrong_iss = verify(rsa.sign(claims("https://evil.example")), keys);
  REQUIRE(!wrong_iss);
  CHECK_THAT(wrong_iss.error().message, Catch::Contains("issuer"));
  auto wrong_aud = verify(rsa.sign(claims("https://idp.example", "\"someone-else\"")), keys);
  REQUIRE(!wrong_aud);
  CHECK_THAT(wrong_aud.error().message, Catch::Contains("audience"));
  auto several_no_azp =
      verify(rsa.sign(claims("https://idp.example", R"(["cp","someone-else"])")), keys);
  CHECK(!several_no_azp);
  auto wrong_nonce =
      verify(rsa.sign(claims("https://idp.example", "\"cp\"", kNow + 300, kNow, "n-2")), keys);
  REQUIRE(!wrong_nonce);
  CHECK_THAT(wrong_nonce.error().message, Catch::Contains("nonce"));
  auto forged = verify(other.sign(claims()), keys);
  REQUIRE(!forged);
  CHECK_THAT(forged.error().message, Catch::Contains("signature"));
  // A payload changed after signing.
  std::string token = rsa.sign(claims());
  const auto dot1 = token.find('.'), dot2 = token.rfind('.');
  std::string tampered = token.substr(0, dot1 + 1) +
                         base64url_encode(claims("https://idp.example", "\"cp\"", kNow + 99'999)) +
                         token.substr(dot2);
  CHECK(!verify(tampered, keys));
  CHECK(!verify("not.a-token", keys));
  CHECK(!verify(token + ".x", keys));
}

TEST_CASE("expiry and issue time allow the configured clock skew only", "[sso][oidc]") {
  OidcSigner rsa("RS256", "r1");
  Keys keys{test::jwks({&rsa})};
  auto expired = verify(rsa.sign(claims("https://idp.example", "\"cp\"", kNow - 61)), keys);
  REQUIRE(!expired);
  CHECK_THAT(expired.error().message, Catch::Contains("expired"));
  CHECK(verify(rsa.sign(claims("https://idp.example", "\"cp\"", kNow - 59)), keys));  // within skew
  ClaimRules strict = rules();
  strict.skew_s = 0;
  CHECK(!verify(rsa.sign(claims("https://idp.example", "\"cp\"", kNow - 1)), keys, strict));
  auto future =
      verify(rsa.sign(claims("https://idp.example", "\"cp\"", kNow + 900, kNow + 120)), keys);
  REQUIRE(!future);
  CHECK_THAT(future.error().message, Catch::Contains("future"));
  CHECK(verify(rsa.sign(claims("https://idp.example", "\"cp\"", kNow + 900, kNow + 30)), keys));
}

TEST_CASE("alg none, HMAC and a key of the other kind are refused", "[sso][oidc]") {
  OidcSigner rsa("RS256", "r1"), ec("ES256", "e1");
  Keys keys{test::jwks({&rsa, &ec})};
  CHECK(!verify(rsa.sign(claims(), "none"), keys));
  CHECK(!verify(rsa.sign(claims(), "HS256"), keys));
  // An RSA signature presented as ES256 under the RSA key's kid.
  CHECK(!verify(rsa.sign(claims(), "ES256"), keys));
  const std::string unsigned_token =
      base64url_encode(R"({"alg":"none"})") + "." + base64url_encode(claims()) + ".";
  CHECK(!verify(unsigned_token, keys));
}

TEST_CASE("an unknown kid refetches the keys once: rotation works, made-up kids do not flood",
          "[sso][oidc]") {
  OidcSigner old_key("RS256", "2026-11"), new_key("RS256", "2026-12");
  Keys keys{test::jwks({&old_key})};
  REQUIRE(verify(old_key.sign(claims()), keys));
  CHECK(keys.fetches == 1);
  // The provider rotates: the next token has a kid the cache has not seen.
  keys.doc = test::jwks({&new_key});
  const int64_t later = (kNow + 120) * 1000;
  REQUIRE(verify(new_key.sign(claims()), keys, rules(), later));
  CHECK(keys.fetches == 2);
  // A made-up kid right after: refused without another fetch.
  OidcSigner stranger("RS256", "made-up");
  auto refused = verify(stranger.sign(claims()), keys, rules(), later + 1000);
  REQUIRE(!refused);
  CHECK_THAT(refused.error().message, Catch::Contains("made-up"));
  CHECK(keys.fetches == 2);
  // The old key is gone from the set: once the interval passed, one more
  // fetch, and the token is still refused.
  CHECK(!verify(old_key.sign(claims()), keys, rules(), later + 61'000));
  CHECK(keys.fetches == 3);
}

TEST_CASE("groups map to admin, finance or viewer", "[sso][oidc]") {
  OidcSettings s;
  s.admin_groups = {"cp-admins"};
  s.finance_groups = {"cp-finance"};
  CHECK(role_for_groups({"eng", "cp-finance"}, s) == Role::kFinance);
  CHECK(role_for_groups({"cp-finance", "cp-admins"}, s) == Role::kAdmin);
  CHECK(role_for_groups({"eng"}, s) == Role::kViewer);
  CHECK(role_for_groups({}, s) == Role::kViewer);
}

TEST_CASE("the discovery document must name the configured issuer and https endpoints",
          "[sso][oidc]") {
  const std::string good =
      R"({"issuer":"https://idp.example","authorization_endpoint":"https://idp.example/auth",)"
      R"("token_endpoint":"https://idp.example/token","jwks_uri":"https://idp.example/jwks"})";
  auto m = parse_discovery(good, "https://idp.example");
  REQUIRE(m);
  CHECK(m->token_endpoint == "https://idp.example/token");
  CHECK(!parse_discovery(good, "https://other.example"));
  CHECK(!parse_discovery("<html>garbage</html>", "https://idp.example"));
  CHECK(!parse_discovery(
      R"({"issuer":"https://idp.example","authorization_endpoint":"http://idp.example/auth",)"
      R"("token_endpoint":"https://idp.example/token","jwks_uri":"https://idp.example/jwks"})",
      "https://idp.example"));
}

TEST_CASE("base64url round-trips and refuses other alphabets", "[sso][oidc]") {
  for (std::string s : {"", "f", "fo", "foo", "foob", "fooba", "foobar", "\xff\xfe\x00"}) {
    auto back = base64url_decode(base64url_encode(s));
    REQUIRE(back);
    CHECK(*back == s);
  }
  CHECK(base64url_encode("\xfb\xff") == "-_8");
  CHECK(!base64url_decode("a+b/"));
  CHECK(!base64url_decode("a"));
}
