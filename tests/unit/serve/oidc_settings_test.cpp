// The oidc_* keys of `serve`: off by default, read into OidcSettings (the
// client secret from a private file), and refused with the reason when they
// cannot work; --print-config shows the secret file's path, not the secret.
#include <sys/stat.h>

#include <catch2/catch.hpp>

#include "collector/serve/server_config.hpp"
#include "tests/support/test_support.hpp"

using namespace codepulse;
using namespace codepulse::collector;
using codepulse::test::TempDir;

namespace {

Result<ServerOptions> options(const TempDir& dir, std::vector<ConfigOverride> extra) {
  std::vector<ConfigOverride> o = {{"db", dir / "c.db", "--db"},
                                   {"tls_cert", dir / "c.pem", "--tls-cert"},
                                   {"tls_key", dir / "k.pem", "--tls-key"}};
  o.insert(o.end(), extra.begin(), extra.end());
  Environment env;
  env.home = dir.path();
  auto c = Config::load(std::nullopt, o, env, server_config_keys(), "codepulse-collector serve");
  if (!c) return c.error();
  return server_options(*c);
}

ConfigOverride set(const std::string& k, const std::string& v) {
  return {k, v, "--set"};
}

}  // namespace

TEST_CASE("oidc settings: off by default, read when set, refused when they cannot work",
          "[sso][config]") {
  TempDir dir;
  auto off = options(dir, {});
  REQUIRE(off);
  CHECK(!off->oidc.enabled());

  test::write_file(dir / "secret", "client-secret-canary-123\n");
  REQUIRE(::chmod((dir / "secret").c_str(), 0600) == 0);
  const std::vector<ConfigOverride> good = {
      set("oidc_issuer", "https://idp.example"),
      set("oidc_client_id", "cp"),
      set("oidc_redirect_url", "https://cp.example/v1/sso/callback"),
      set("oidc_client_secret_file", dir / "secret"),
      set("oidc_admin_groups", "a1,a2"),
      set("oidc_clock_skew", "30s")};
  auto on = options(dir, good);
  REQUIRE(on);
  CHECK(on->oidc.enabled());
  CHECK(on->oidc.client_secret == "client-secret-canary-123");
  CHECK(on->oidc.admin_groups == std::vector<std::string>{"a1", "a2"});
  CHECK(on->oidc.clock_skew_ms == 30'000);
  CHECK(on->oidc.scopes == std::vector<std::string>{"openid", "email", "profile"});

  auto with = [&](ConfigOverride change) {
    auto o = good;
    o.push_back(std::move(change));
    return options(dir, o);
  };
  auto http = with(set("oidc_issuer", "http://idp.example"));
  REQUIRE(!http);
  CHECK_THAT(http.error().message, Catch::Contains("https://"));
  auto no_client = with(set("oidc_client_id", ""));
  REQUIRE(!no_client);
  CHECK_THAT(no_client.error().message, Catch::Contains("oidc_client_id"));
  CHECK(!with(set("oidc_redirect_url", "http://cp.example/v1/sso/callback")));
  CHECK(!with(set("oidc_scopes", "email,profile")));
  REQUIRE(::chmod((dir / "secret").c_str(), 0644) == 0);
  auto open = options(dir, good);
  REQUIRE(!open);
  CHECK_THAT(open.error().message, Catch::Contains("chmod"));
  CHECK_THAT(open.error().message, !Catch::Contains("canary"));
}
