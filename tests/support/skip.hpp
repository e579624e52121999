// Skips that say so. A test that lacks something outside the project (a peer
// tool, ../shared/fixtures, a server binary) calls CODEPULSE_SKIP: the test
// ends there and CTest reports it as skipped (exit code 77, SKIP_RETURN_CODE),
// naming what it lacks. Under CI (CI=true) nothing may be missing: the same
// call fails the test instead.
#pragma once

#include <string>

namespace codepulse::test {

// The exit code tests/main.cpp returns when a test skipped and none failed.
inline constexpr int kSkipExitCode = 77;

// Records the skip (or, with CI=true, fails the test) and says why.
void skip_test(const std::string& why);
// True once a test of this run skipped.
bool any_test_skipped();

}  // namespace codepulse::test

#define CODEPULSE_SKIP(why)            \
  do {                                 \
    ::codepulse::test::skip_test(why); \
    return;                            \
  } while (false)
