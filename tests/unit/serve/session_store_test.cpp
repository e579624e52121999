// Dashboard sessions in memory: expiry by idle time and lifetime, the cap,
// and reading the session cookie out of a Cookie header.
#include "collector/serve/session_store.hpp"

#include <catch2/catch.hpp>

using namespace codepulse::collector;

TEST_CASE("a session lives until its idle time or lifetime ends", "[dashboard][session]") {
  SessionStore s(SessionLimits{1000, 5000, 100});
  auto made = s.create("cpt_token", 0);
  REQUIRE(made);
  CHECK(made->id.size() == 64);
  CHECK(made->csrf.size() == 64);
  CHECK(made->id != made->csrf);
  CHECK(made->expires_ms == 5000);
  auto used = s.use(made->id, 900);
  REQUIRE(used);
  CHECK(used->token == "cpt_token");
  CHECK(used->csrf == made->csrf);
  CHECK(s.use(made->id, 1800));   // idle clock restarted at 900
  CHECK(s.use(made->id, 2700));   // and at 1800
  CHECK(!s.use(made->id, 3700));  // idle 1000 ms: ended, and forgotten
  CHECK(s.size() == 0);

  auto again = s.create("cpt_token", 10'000);
  REQUIRE(again);
  for (int64_t t = 10'500; t < 15'000; t += 500)
    CHECK(s.use(again->id, t));
  CHECK(!s.use(again->id, 15'000));  // the lifetime ends it, used or not
}

TEST_CASE("sessions have unguessable distinct ids and end on request", "[dashboard][session]") {
  SessionStore s;
  auto a = s.create("cpt_a", 0);
  auto b = s.create("cpt_b", 0);
  REQUIRE(a);
  REQUIRE(b);
  CHECK(a->id != b->id);
  CHECK(!s.use("", 1));
  CHECK(!s.use(a->id.substr(1), 1));
  s.end(a->id);
  CHECK(!s.use(a->id, 1));
  CHECK(s.use(b->id, 1)->token == "cpt_b");
}

TEST_CASE("past the cap the oldest session ends", "[dashboard][session]") {
  SessionStore s(SessionLimits{1'000'000, 1'000'000, 3});
  std::vector<std::string> ids;
  for (int i = 0; i < 4; ++i)
    ids.push_back(s.create("cpt_" + std::to_string(i), i)->id);
  CHECK(s.size() == 3);
  CHECK(!s.use(ids[0], 10));
  CHECK(s.use(ids[3], 10));
}

TEST_CASE("the session cookie is found among others", "[dashboard][session]") {
  CHECK(cookie_value("a=1; __Host-codepulse_session=abc; b=2", "__Host-codepulse_session") ==
        "abc");
  CHECK(cookie_value("__Host-codepulse_session=xyz", "__Host-codepulse_session") == "xyz");
  CHECK(cookie_value("x__Host-codepulse_session=no", "__Host-codepulse_session").empty());
  CHECK(cookie_value("", "__Host-codepulse_session").empty());
  CHECK(cookie_value("a=1;b=2", "b") == "2");
}
