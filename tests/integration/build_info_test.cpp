// codepulse-tracker --build-info: the allocator and SQLite a build runs with.
// Tagged [release] so that CI's Release stage, whose build links mimalloc,
// checks it serves there; the sanitized suite checks the other branch.
#include <catch2/catch.hpp>

#include "common/version.hpp"
#include "tests/support/test_support.hpp"

using namespace codepulse::test;

TEST_CASE("the tracker says which allocator and SQLite it runs with", "[cli][release]") {
  // A Release build links mimalloc (CMakeLists.txt); its malloc must be the
  // one every allocation goes through, not merely a library on the list.
  auto info = run({tracker_bin(), "--build-info"});
  REQUIRE(info.exit_code == 0);
  CHECK(info.out.rfind(std::string("codepulse-tracker ") + codepulse::kVersion + "\n", 0) == 0);
  if (CODEPULSE_TRACKER_MIMALLOC) {
    CHECK(info.out.find("\nallocator  mimalloc 2.") != std::string::npos);
    CHECK(info.out.find("linked, but") == std::string::npos);
  } else {
    CHECK(info.out.find("\nallocator  the C library's malloc\n") != std::string::npos);
  }
  CHECK(info.out.find("\nsqlite     3.") != std::string::npos);
}
