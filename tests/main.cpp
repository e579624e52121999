// The test runner: Catch2's, with two changes CTest needs, since it runs one
// case per process by name:
// - a run in which a test skipped (tests/support/skip.hpp) and none failed
//   exits with kSkipExitCode, which CTest reports as skipped, not passed;
// - a run whose names match no test case fails (Catch2 v2 would pass it, and
//   -w NoTests cannot be given beside -w NoAssertions).
#define CATCH_CONFIG_RUNNER
#include <atomic>
#include <catch2/catch.hpp>
#include <csignal>
#include <cstdio>

#include "tests/support/skip.hpp"

namespace {

std::atomic<int>& cases_started() {
  static std::atomic<int> started{0};
  return started;
}

struct CaseCounter : Catch::TestEventListenerBase {
  using TestEventListenerBase::TestEventListenerBase;
  void testCaseStarting(Catch::TestCaseInfo const&) override { ++cases_started(); }
};

}  // namespace

CATCH_REGISTER_LISTENER(CaseCounter)

int main(int argc, char* argv[]) {
  // A peer that closes a socket the test still writes to is an error for the
  // test to see (EPIPE), not a signal that ends the whole run.
  std::signal(SIGPIPE, SIG_IGN);
  Catch::Session session;
  const int result = session.run(argc, argv);
  const Catch::ConfigData& config = session.configData();
  const bool listing = config.listTests || config.listTestNamesOnly || config.listTags ||
                       config.listReporters || config.showHelp;
  if (result == 0 && !listing && cases_started() == 0) {
    std::fprintf(stderr, "no test case matches the names given: nothing ran\n");
    return 3;
  }
  if (result == 0 && codepulse::test::any_test_skipped()) return codepulse::test::kSkipExitCode;
  return result;
}
