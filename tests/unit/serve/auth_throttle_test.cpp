// AuthThrottle: free failures, doubling waits up to the ceiling, the prefix
// and address keys, and the exemption of a prefix that authenticated.
#include "collector/serve/auth_throttle.hpp"

#include <catch2/catch.hpp>

using namespace codepulse::collector;

TEST_CASE("failures with one token prefix wait, doubling up to the ceiling", "[serve][auth]") {
  AuthThrottle t({.free_per_address = 100, .free_per_prefix = 3, .max_wait_ms = 8000});
  int64_t now = 0;
  CHECK(t.failed("10.0.0.1", "cpt_aaaa", now).empty());
  CHECK(t.failed("10.0.0.1", "cpt_aaaa", now).empty());
  CHECK(t.wait_s("10.0.0.1", "cpt_aaaa", now) == 0);
  const std::string line = t.failed("10.0.0.1", "cpt_aaaa", now);
  CHECK(line.find("failed authentication: ") == 0);
  CHECK(line.find("cpt_aaaa") == std::string::npos);  // the log never holds a token's text
  CHECK(t.wait_s("10.0.0.1", "cpt_aaaa", now) == 1);
  CHECK(t.wait_s("10.0.0.9", "cpt_aaaa", now) == 1);  // from anywhere
  CHECK(t.wait_s("10.0.0.1", "cpt_bbbb", now) == 0);  // another prefix may try
  int64_t expected = 2;
  for (int i = 0; i < 6; ++i) {
    now += 10'000;
    CHECK_FALSE(t.failed("10.0.0.1", "cpt_aaaa", now).empty());
    CHECK(t.wait_s("10.0.0.1", "cpt_aaaa", now) == expected);
    expected = std::min<int64_t>(expected * 2, 8);
  }
  t.succeeded("cpt_aaaa", now);
  CHECK(t.wait_s("10.0.0.1", "cpt_aaaa", now) == 0);
}

TEST_CASE("an address waits after its free failures, except for a prefix known to be good",
          "[serve][auth]") {
  AuthThrottle t({.free_per_address = 4, .free_per_prefix = 100});
  t.succeeded("cpt_good", 0);
  for (int i = 0; i < 4; ++i)
    t.failed("10.0.0.1", "cpt_guess" + std::to_string(i), 0);
  CHECK(t.wait_s("10.0.0.1", "cpt_other", 0) == 1);
  CHECK(t.wait_s("10.0.0.1", "", 0) == 1);
  CHECK(t.wait_s("10.0.0.1", "cpt_good", 0) == 0);  // a tracker behind the same NAT
  CHECK(t.wait_s("10.0.0.2", "cpt_other", 0) == 0);
  // Forgotten after a quiet spell.
  CHECK(t.wait_s("10.0.0.1", "cpt_other", 2000) == 0);
}

TEST_CASE("a bearer token is read from its Authorization header", "[serve][auth]") {
  CHECK(presented_token("Bearer cpt_abc") == "cpt_abc");
  CHECK(presented_token("Basic abc").empty());
  CHECK(presented_token("Bearer ").empty());
  CHECK(token_prefix("cpt_0123456789abcdef") == "cpt_01234567");
}

TEST_CASE("a log line shows only the first characters of a token, and only token characters",
          "[serve][auth][log]") {
  CHECK(shown_token_start("cpt_AbCdEfGhIjKlMnOp") == "cpt_AbCd...");
  CHECK(shown_token_start("cpt_") == "cpt_...");
  // Control characters and spaces in a presented token never reach the log.
  CHECK(shown_token_start("cp\x1b[2J\n x") == "cp??2J??...");
  CHECK(shown_token_start(token_prefix("cpt_0123456789abcdefghijklmnop")).size() ==
        kShownTokenChars + 3);
}
