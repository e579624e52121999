// SIGHUP as logrotate sends it, to the real programs: the collector's log is
// renamed and reopened while trackers keep shipping, and no line is lost;
// its reloadable settings apply and the others are named; the tracker's log
// moves to the new file too.
#include <signal.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <cstdio>
#include <sstream>
#include <thread>

#include "tests/support/collector_fixture.hpp"
#include "tests/support/log_lines.hpp"
#include "tests/support/price_fixtures.hpp"
#include "tests/support/tls_peer.hpp"

using namespace codepulse;
using namespace codepulse::test;

namespace {

// Plain bytes on the TLS port: one "TLS handshake failed" line (debug) each;
// returns once the collector has closed the connection.
void failed_handshake(int port) {
  const int fd = connect_tcp(port);
  REQUIRE(fd >= 0);
  timeval tv{60, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  const std::string junk = "GET / HTTP/1.0\r\n\r\n";
  CHECK(::send(fd, junk.data(), junk.size(), MSG_NOSIGNAL) > 0);
  char buf[256];
  while (::recv(fd, buf, sizeof buf, 0) > 0) {
  }
  ::close(fd);
}

// One Claude Code request line with its own ids.
std::string request_line(const std::string& id) {
  AssistantSpec s;
  s.message_id = id;
  s.request_id = "req_" + id;
  s.uuid = "u-" + id;
  return assistant_line(s) + "\n";
}

size_t count_of(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
    ++n;
  return n;
}

}  // namespace

TEST_CASE("the collector's log rotated under load: SIGHUP reopens it and no line is lost",
          "[log][rotate][collector][signals]") {
  TempDir dir;
  CollectorFixture c(dir / "collector");
  const std::string token = c.token_of(c.token_file("dev@example.org"));
  const std::string log = dir / "collector.log";
  c.start({"--log-file", log, "--log-level", "debug"});

  // Load: a tracker shipping batch after batch the whole time.
  std::atomic<bool> done{false};
  std::atomic<int> stored{0};
  std::thread load([&] {
    for (int i = 0; !done; ++i) {
      const auto body = batch_body("load-" + std::to_string(i),
                                   pricing_records(5, "l" + std::to_string(i) + "-"));
      const auto r = https_call(c.port(), c.ca(), "POST", "/v1/batches",
                                {"Authorization: Bearer " + token, "Content-Encoding: zstd"}, body);
      if (r.status == 200) stored += 5;
      std::this_thread::sleep_for(std::chrono::milliseconds(r.status == 200 ? 5 : 200));
    }
  });

  // Lines we can count, written between rotations: logrotate renames the
  // file and sends SIGHUP while the collector logs.
  constexpr int kRotations = 4, kLinesEach = 40;
  int expected = 0;
  for (int r = 1; r <= kRotations; ++r) {
    for (int i = 0; i < kLinesEach; ++i, ++expected)
      failed_handshake(c.port());
    const std::string old_name = log + "." + std::to_string(r);
    REQUIRE(std::rename(log.c_str(), old_name.c_str()) == 0);
    c.process().signal(SIGHUP);
    // Lines logged before the collector reopens still reach the renamed file.
    for (int i = 0; i < kLinesEach / 2; ++i, ++expected)
      failed_handshake(c.port());
    REQUIRE(eventually(kPatienceMs, [&] {
      return read_file(log).find("received SIGHUP: log file reopened") != std::string::npos;
    }));
  }
  for (int i = 0; i < kLinesEach; ++i, ++expected)
    failed_handshake(c.port());
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  done = true;
  load.join();
  REQUIRE(c.process().running());  // SIGHUP never ends it
  c.stop();

  std::string all;
  for (int r = 1; r <= kRotations; ++r) {
    const std::string text = read_file(log + "." + std::to_string(r));
    CHECK_FALSE(text.empty());
    all += text;
  }
  all += read_file(log);
  // Every line whole: a timestamp, a level, a message, one line each.
  std::istringstream in(all);
  for (std::string line; std::getline(in, line);) {
    INFO(line);
    CHECK(line.size() > 26);
    CHECK(line.substr(0, 2) == "20");
    CHECK(line[23] == 'Z');
  }
  CHECK(count_of(all, "TLS handshake failed") == static_cast<size_t>(expected));
  CHECK(count_of(all, "received SIGHUP: log file reopened") == kRotations);
  CHECK(read_file(log).find(" info stopped") != std::string::npos);
  CHECK(stored > 0);
  CHECK(c.record_count() == stored);
}

TEST_CASE("SIGHUP applies the collector's log_level and names what needs a restart",
          "[log][collector][signals][config]") {
  TempDir dir;
  CollectorFixture c(dir / "collector");
  const std::string config = dir / "collector.toml";
  write_file(config, "log_level = \"info\"\nmax_connections = 500\n");
  c.start({"--config", config});
  write_file(config, "log_level = \"debug\"\nmax_connections = 600\n");
  c.process().signal(SIGHUP);
  CHECK(eventually(kPatienceMs, [&] {
    return c.process().err().find("changed settings take effect after a restart") !=
           std::string::npos;
  }));
  const std::string err = c.process().err();
  INFO(err);
  CHECK(err.find("received SIGHUP: log file reopened") != std::string::npos);
  CHECK(err.find("SIGHUP: log_level is now debug") != std::string::npos);
  CHECK(err.find("restart (systemctl restart codepulse-collector): max_connections") !=
        std::string::npos);
  // debug now: a failed handshake is logged.
  const int fd = connect_tcp(c.port());
  const std::string junk = "junk\r\n\r\n";
  CHECK(::send(fd, junk.data(), junk.size(), MSG_NOSIGNAL) > 0);
  CHECK(eventually(kPatienceMs, [&] {
    return c.process().err().find("TLS handshake failed") != std::string::npos;
  }));
  ::close(fd);
  // A broken file keeps the running settings.
  write_file(config, "log_level = \"loud\"\n");
  c.process().signal(SIGHUP);
  CHECK(eventually(kPatienceMs, [&] {
    return c.process().err().find("configuration not reloaded, keeping the current one") !=
           std::string::npos;
  }));
  CHECK(https_call(c.port(), c.ca(), "GET", "/healthz").status == 200);
  c.stop();
}

TEST_CASE("the tracker's log moves to a new file on SIGHUP after a rename",
          "[log][rotate][daemon][signals]") {
  TempDir dir;
  const std::string log = dir / "tracker.log";
  const std::string projects = dir / "claude/projects";
  write_file(projects + "/p/s.jsonl", request_line("m1"));
  Process p({tracker_bin(), "run", "--claude-dir", dir / "claude", "--state", dir / "state",
             "--debounce", "50ms", "--author", "dev@x", "--log-file", log},
            {"HOME=" + dir.path(), "XDG_CONFIG_HOME=" + dir / "cfg"}, dir / "run");
  REQUIRE(eventually(kPatienceMs,
                     [&] { return read_file(log).find("stored 1 new") != std::string::npos; }));
  REQUIRE(std::rename(log.c_str(), (log + ".1").c_str()) == 0);
  p.signal(SIGHUP);
  REQUIRE(eventually(kPatienceMs, [&] {
    return read_file(log).find("SIGHUP: log file reopened") != std::string::npos;
  }));
  append_file(projects + "/p/s.jsonl", request_line("m2"));
  CHECK(eventually(kPatienceMs,
                   [&] { return read_file(log).find("stored 1 new") != std::string::npos; }));
  p.signal(SIGTERM);
  CHECK(p.wait(kPatienceMs) == 0);
  const std::string old_text = read_file(log + ".1");
  CHECK(old_text.find("started (pid") != std::string::npos);
  CHECK(old_text.find("SIGHUP") == std::string::npos);
  CHECK(read_file(log).find(" info stopped") != std::string::npos);
}
