#include "common/log/logger.hpp"

#include <catch2/catch.hpp>

#include "tests/support/test_support.hpp"

using namespace codepulse;
using codepulse::test::TempDir;

TEST_CASE("the log writes one line per event at or above its level", "[log]") {
  TempDir dir;
  auto log = Logger::open(dir / "t.log", LogLevel::kWarn, 100);
  REQUIRE(log);
  log->info("x", "not shown");
  log->warn("x", "two\nlines");
  log->error("y", "shown");
  const std::string text = codepulse::test::read_file(dir / "t.log");
  CHECK(text.find("not shown") == std::string::npos);
  CHECK(text.find(" warn two lines\n") != std::string::npos);
  CHECK(text.find(" error shown\n") != std::string::npos);
}

TEST_CASE("a flood of one kind of message is rate limited, others still pass", "[log]") {
  TempDir dir;
  auto log = Logger::open(dir / "t.log", LogLevel::kInfo, 5);
  REQUIRE(log);
  for (int i = 0; i < 1000; ++i)
    log->warn("file:/broken.jsonl", "malformed line " + std::to_string(i));
  log->error("store", "disk full");
  const std::string text = codepulse::test::read_file(dir / "t.log");
  size_t lines = 0;
  for (char c : text)
    lines += c == '\n';
  CHECK(lines == 6);
  CHECK(text.find("malformed line 4\n") != std::string::npos);
  CHECK(text.find("malformed line 5\n") == std::string::npos);
  CHECK(text.find("disk full") != std::string::npos);
  CHECK(log->suppressed() == 995);
}

TEST_CASE("log levels parse and bad ones are named", "[log]") {
  CHECK(*parse_log_level("debug") == LogLevel::kDebug);
  auto bad = parse_log_level("loud");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message.find("'loud'") != std::string::npos);
}
