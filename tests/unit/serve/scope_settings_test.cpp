// The scope settings of `serve` (docs/ACCESS.md): oidc_scope_groups read
// into (group, scope) pairs and refused with the reason when malformed,
// min_group_size read, and a signed-in user's scope from their role and
// groups (the first mapped group; none: their own usage).
#include <catch2/catch.hpp>

#include "collector/serve/oidc_login.hpp"
#include "collector/serve/server_config.hpp"
#include "tests/support/test_support.hpp"

using namespace codepulse;
using namespace codepulse::collector;
using codepulse::test::TempDir;

namespace {

Result<ServerOptions> scope_options(const TempDir& dir, std::vector<ConfigOverride> extra,
                                    bool sso = true) {
  std::vector<ConfigOverride> o = {{"db", dir / "c.db", "--db"},
                                   {"tls_cert", dir / "c.pem", "--tls-cert"},
                                   {"tls_key", dir / "k.pem", "--tls-key"}};
  if (sso)
    o.insert(o.end(), {{"oidc_issuer", "https://idp.example", "--set"},
                       {"oidc_client_id", "cp", "--set"},
                       {"oidc_redirect_url", "https://cp.example/v1/sso/callback", "--set"}});
  o.insert(o.end(), extra.begin(), extra.end());
  Environment env;
  env.home = dir.path();
  auto c = Config::load(std::nullopt, o, env, server_config_keys(), "codepulse-collector serve");
  if (!c) return c.error();
  return server_options(*c);
}

}  // namespace

TEST_CASE("oidc_scope_groups and min_group_size are read, and bad mappings refused",
          "[sso][access][config]") {
  TempDir dir;
  auto off = scope_options(dir, {});
  REQUIRE(off);
  CHECK(off->min_group_size == 0);
  CHECK(off->oidc.scope_groups.empty());

  auto on =
      scope_options(dir, {{"oidc_scope_groups", "eng-api=team:api,leads=group:platform", "--set"},
                          {"min_group_size", "3", "--set"}});
  REQUIRE(on);
  CHECK(on->min_group_size == 3);
  using Pair = std::pair<std::string, std::string>;
  CHECK(on->oidc.scope_groups ==
        std::vector<Pair>{{"eng-api", "team:api"}, {"leads", "group:platform"}});

  for (const auto& [value, why] :
       std::vector<Pair>{{"eng", "'eng': expected GROUP=SCOPE, e.g. eng-api=team:api"},
                         {"eng=squad:x", "unknown kind 'squad'"},
                         {"eng=self:a@acme.example", "a group cannot map to one person's usage"}}) {
    // Refused with single sign-on on, and with it off too: the mistake is
    // reported when it is made, not the day SSO is switched on.
    for (bool sso : {true, false}) {
      auto bad = scope_options(dir, {{"oidc_scope_groups", value, "--set"}}, sso);
      REQUIRE_FALSE(bad);
      INFO(bad.error().message);
      CHECK(bad.error().message.find("oidc_scope_groups") != std::string::npos);
      CHECK(bad.error().message.find(why) != std::string::npos);
    }
  }
}

TEST_CASE(
    "a signed-in user's scope: admins and finance the organisation, viewers their mapping "
    "or themselves",
    "[sso][access]") {
  OidcSettings s;
  s.scope_groups = {{"eng-api", "team:api"}, {"leads", "group:platform"}};
  CHECK(scope_for_groups({"eng-api"}, Role::kAdmin, "a@acme.example", s) == "org");
  CHECK(scope_for_groups({}, Role::kFinance, "f@acme.example", s) == "org");
  CHECK(scope_for_groups({"x", "leads", "eng-api"}, Role::kViewer, "v@acme.example", s) ==
        "team:api");
  CHECK(scope_for_groups({"leads"}, Role::kViewer, "v@acme.example", s) == "group:platform");
  CHECK(scope_for_groups({"eng-web"}, Role::kViewer, "v@acme.example", s) == "self:v@acme.example");
}
