// CTest runs each Catch2 test by name (catch_discover_tests): a name with a
// ';' becomes two CTest names that match no test and pass without running
// one. No test may be named so.
#include <catch2/catch.hpp>
#include <filesystem>

#include "tests/support/test_support.hpp"

TEST_CASE("no test name holds a semicolon, which would keep CTest from running it", "[meta]") {
  namespace fs = std::filesystem;
  size_t names = 0;
  for (const auto& entry : fs::recursive_directory_iterator(CODEPULSE_SOURCE_DIR "/tests")) {
    if (entry.path().extension() != ".cpp") continue;
    const std::string text = codepulse::test::read_file(entry.path().string());
    for (size_t pos = text.find("TEST_CASE("); pos != std::string::npos;
         pos = text.find("TEST_CASE(", pos + 1)) {
      if (pos > 0 && text[pos - 1] != '\n') continue;  // a use, not a definition
      const size_t open = text.find('"', pos);
      const size_t close = text.find('"', open + 1);
      if (open == std::string::npos || close == std::string::npos) break;
      const std::string name = text.substr(open + 1, close - open - 1);
      ++names;
      INFO(entry.path().string() + ": " + name);
      CHECK(name.find(';') == std::string::npos);
    }
  }
  CHECK(names > 200);
}
