// The daemon on Codex rollouts: a day folder Codex creates while it runs,
// and a kill -9 between reads that neither loses nor doubles a request.
#include <signal.h>

#include <catch2/catch.hpp>

#include "tests/corpus/codex_lines.hpp"
#include "tests/support/codex_home.hpp"

using namespace codepulse::test;
namespace codex = codepulse::bench::codex;
using codex::RolloutWriter;
using codex::uuid7;

namespace {

constexpr int64_t kT0 = 1796437734000;  // 2026-12-05T02:28:54Z
constexpr int64_t kDay = 86'400'000;

std::vector<std::string> daemon_argv(const CodexHome& c) {
  return {tracker_bin(), "run",   "--assistant", "codex", "--assistant-dir", "codex=" + c.home,
          "--state",     c.state, "--debounce",  "50ms",  "--author",        "dev@x"};
}

// A session of `responses` responses of 1000 input tokens each.
RolloutWriter session(int64_t t0, uint64_t bits, int responses) {
  RolloutWriter w(uuid7(t0, bits));
  w.session_meta(t0, "/w", "main", "i");
  w.turn_start(t0 + 10, uuid7(t0 + 10, bits + 1), "gpt-5.5", "/w", "p", "d");
  for (int i = 0; i < responses; ++i) {
    w.exec_call(t0 + 100 * (i + 1), "call_" + std::to_string(i), "ls");
    w.usage(t0 + 100 * (i + 1) + 1, "resp_" + std::to_string(i), {1000, 400, 0, 10, 0});
    w.token_count(t0 + 100 * (i + 1) + 2);
  }
  return w;
}

}  // namespace

TEST_CASE("the daemon reads rollouts in day folders Codex creates after it started",
          "[codex][daemon]") {
  CodexHome c;
  const RolloutWriter first = session(kT0, 10, 2);
  c.write(codex::rollout_path(kT0, first.thread()), first.text);
  Process p(daemon_argv(c), c.env(), c.dir / "run");
  REQUIRE(
      eventually(kPatienceMs, [&] { return c.sql("SELECT count(*) FROM usage_records") == 2; }));
  // The next day's folder, and a new month's and year's, appear while it runs.
  const RolloutWriter next = session(kT0 + kDay, 20, 3);
  c.write(codex::rollout_path(kT0 + kDay, next.thread()), next.text);
  CHECK(eventually(kPatienceMs, [&] { return c.sql("SELECT count(*) FROM usage_records") == 5; }));
  const int64_t new_year = 1798761600000;  // 2027-01-01T00:00:00Z
  const RolloutWriter later = session(new_year + 5000, 30, 1);
  c.write(codex::rollout_path(new_year + 5000, later.thread()), later.text);
  CHECK(eventually(kPatienceMs, [&] { return c.sql("SELECT count(*) FROM usage_records") == 6; }));
  CHECK(c.sql("SELECT count(DISTINCT session_id) FROM usage_records") == 3);
  CHECK(c.sql("SELECT sum(input + cache_read) FROM usage_records") == 6000);
  p.signal(SIGTERM);
  CHECK(p.wait(kPatienceMs) == 0);
}

TEST_CASE("a daemon killed between reads of a rollout resumes without loss or double count",
          "[codex][daemon][crash]") {
  CodexHome c;
  const RolloutWriter w = session(kT0, 40, 6);
  // Three parts, each ending inside a response (after its call, before its usage).
  std::vector<size_t> cuts;
  for (size_t at = w.text.find("\"function_call\""); at != std::string::npos;
       at = w.text.find("\"function_call\"", at + 1))
    cuts.push_back(w.text.find('\n', at) + 1);
  const std::string path = c.write(codex::rollout_path(kT0, w.thread()), w.text.substr(0, cuts[2]));
  int64_t want = 2;
  for (size_t part : {size_t{4}, size_t{6}}) {
    Process p(daemon_argv(c), c.env(), c.dir / ("run" + std::to_string(part)));
    REQUIRE(eventually(kPatienceMs,
                       [&] { return c.sql("SELECT count(*) FROM usage_records") == want; }));
    p.signal(SIGKILL);
    p.wait(kPatienceMs);
    const size_t from = cuts[part - 2];
    const size_t to = part < cuts.size() ? cuts[part] : w.text.size();
    append_file(path, w.text.substr(from, to - from));
    want = part == 6 ? 6 : 4;
  }
  Process p(daemon_argv(c), c.env(), c.dir / "run-last");
  REQUIRE(
      eventually(kPatienceMs, [&] { return c.sql("SELECT count(*) FROM usage_records") == 6; }));
  CHECK(c.sql("SELECT sum(input) FROM usage_records") == 3600);
  CHECK(c.sql("SELECT sum(cache_read) FROM usage_records") == 2400);
  // Each request keeps the one call its response made, though the call and
  // the usage were read by different runs.
  CHECK(c.sql("SELECT count(*) FROM usage_records WHERE tools LIKE '%exec_command%' AND tools "
              "NOT LIKE '%},{%'") == 6);
  CHECK(c.sql("SELECT revision FROM usage_records ORDER BY revision DESC LIMIT 1") == 1);
  p.signal(SIGTERM);
  CHECK(p.wait(kPatienceMs) == 0);
}
