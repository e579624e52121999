#include "common/log/logger.hpp"

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <set>
#include <sstream>
#include <thread>
#include <vector>

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

TEST_CASE("reopen after a rename moves the log to a new file and loses no line", "[log][rotate]") {
  TempDir dir;
  const std::string path = dir / "t.log";
  auto log = Logger::open(path, LogLevel::kInfo, 1'000'000);
  REQUIRE(log);
  CHECK(log->path() == path);
  // Four threads log while the file is renamed and reopened ten times, as
  // logrotate and SIGHUP do.
  constexpr int kThreads = 4, kRotations = 10;
  std::atomic<bool> done{false};
  std::atomic<size_t> written{0};
  std::vector<std::thread> writers;
  for (int t = 0; t < kThreads; ++t)
    writers.emplace_back([&, t] {
      for (int i = 0; !done || i < 100; ++i) {
        log->info("load", "line " + std::to_string(t) + "." + std::to_string(i) + " end");
        ++written;
      }
    });
  for (int r = 1; r <= kRotations; ++r) {
    std::this_thread::sleep_for(std::chrono::milliseconds(3));
    REQUIRE(std::rename(path.c_str(), (path + "." + std::to_string(r)).c_str()) == 0);
    REQUIRE(log->reopen());
  }
  done = true;
  for (auto& w : writers)
    w.join();
  std::set<std::string> seen;
  size_t lines = 0;
  for (int r = 0; r <= kRotations; ++r) {
    const std::string text =
        codepulse::test::read_file(r == kRotations ? path : path + "." + std::to_string(r + 1));
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
      ++lines;
      INFO(line);
      REQUIRE(line.size() > 4);
      CHECK(line.substr(line.size() - 4) == " end");  // whole lines only
      seen.insert(line.substr(line.find(" line ") + 6));
    }
  }
  CHECK(lines == written);
  CHECK(seen.size() == written);
  // A path that cannot be opened again keeps the old file.
  REQUIRE(std::rename(dir.path().c_str(), (dir.path() + ".moved").c_str()) == 0);
  auto kept = log->reopen();
  CHECK_FALSE(kept);
  REQUIRE(std::rename((dir.path() + ".moved").c_str(), dir.path().c_str()) == 0);
  log->info("x", "still here");
  CHECK(codepulse::test::read_file(path).find("still here") != std::string::npos);
}

TEST_CASE("reopen of a log on stderr does nothing and succeeds", "[log][rotate]") {
  auto log = Logger::open("", LogLevel::kInfo, 10);
  REQUIRE(log);
  CHECK(log->reopen());
}
