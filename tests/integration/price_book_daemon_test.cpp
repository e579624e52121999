// The daemon and the collector's price book, as real processes: the book
// fetched over the shipping connection is saved, records read after it are
// priced with it, `status` and `report` use it, a restart asks with its
// digest, and a prices_file keeps the collector's book out.
#include <signal.h>
#include <simdjson.h>
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <cmath>

#include "common/time.hpp"
#include "tests/support/collector_fixture.hpp"
#include "tests/support/log_lines.hpp"
#include "tests/support/price_server.hpp"
#include "tests/support/test_support.hpp"
#include "tracker/ship/price_book_file.hpp"

using namespace codepulse;
using namespace codepulse::test;

namespace {

int64_t sql_int(const std::string& db, const std::string& query) {
  auto r = run({"sqlite3", "-readonly", db, query});
  if (r.exit_code != 0 || r.out.empty() || r.out == "\n") return -1;
  return std::stoll(r.out);
}

// A request on claude-test-9, a model only the served book prices:
// 3 x 1,000 + 10 x 2,000 + 100 x 3,000 + 1,000 x 500 = 823,000 nano-dollars.
// Made now: shipped records older than the retention are removed.
std::string request(const std::string& id) {
  AssistantSpec s;
  s.timestamp = format_iso8601_utc_ms(now_utc_ms());
  s.message_id = id;
  s.request_id = "req_" + id;
  s.model = "claude-test-9";
  s.uuid = "u-" + id;
  return assistant_line(s) + "\n";
}
constexpr int64_t kRequestNanos = 823'000;

struct Setup {
  TempDir dir;
  std::string logs = dir / "claude/projects";
  std::string state = dir / "state";
  std::string db = state + "/tracker.db";
  CollectorFixture pki{dir / "collector"};
  PriceServer server{pki.cert(), pki.key()};
  std::string token = dir / "token";

  Setup() {
    write_file(token, "tok-123\n");
    ::chmod(token.c_str(), 0600);
  }
  std::vector<std::string> argv(std::vector<std::string> extra = {}) const {
    std::vector<std::string> a = {
        tracker_bin(),     "run",
        "--claude-dir",    dir / "claude",
        "--state",         state,
        "--debounce",      "50ms",
        "--author",        "dev@x",
        "--collector",     "https://localhost:" + std::to_string(server.port()),
        "--ca-file",       pki.ca(),
        "--token-file",    token,
        "--batch-max-age", "50ms"};
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  }
  std::vector<std::string> env() const {
    return {"HOME=" + dir.path(), "XDG_CONFIG_HOME=" + dir / "cfg"};
  }
  std::string status_json() const {
    return run({tracker_bin(), "status", "--state", state, "--json"}, env()).out;
  }
};

}  // namespace

TEST_CASE("the daemon prices with the collector's price book once it has it",
          "[daemon][shipping][prices]") {
  Setup s;
  write_file(s.logs + "/p/s.jsonl", request("m1"));
  {
    Process p(s.argv(), s.env(), s.dir / "run1");
    // The first round runs before the shipper: m1 is stored with the
    // embedded book, which has no price for claude-test-9.
    REQUIRE(eventually(kPatienceMs,
                       [&] { return sql_int(s.db, "SELECT count(*) FROM usage_records") == 1; }));
    REQUIRE(eventually(kPatienceMs, [&] {
      return s.status_json().find("\"origin\":\"collector\"") != std::string::npos;
    }));
    CHECK(read_file(tracker::saved_book_path(s.state)) == s.server.book().to_json());
    REQUIRE(s.server.gets().size() == 1);
    CHECK(s.server.gets()[0].header("If-None-Match") ==
          "\"" + PriceBook::builtin()->digest() + "\"");
    const std::string status = s.status_json();
    CHECK(status.find("\"revision\":\"collector-2026-12-05\"") != std::string::npos);
    // Records read from now on are priced with the collector's book.
    append_file(s.logs + "/p/s.jsonl", request("m2"));
    REQUIRE(eventually(kPatienceMs, [&] {
      return sql_int(s.db, "SELECT count(*) FROM usage_records WHERE message_id = 'm2'") == 1;
    }));
    CHECK(sql_int(s.db, "SELECT cost_nanos FROM usage_records WHERE message_id = 'm2'") ==
          kRequestNanos);
    CHECK(sql_int(s.db,
                  "SELECT count(*) FROM usage_records WHERE message_id = 'm1' AND "
                  "cost_nanos IS NULL") == 1);
    const std::string text = run({tracker_bin(), "status", "--state", s.state}, s.env()).out;
    CHECK(text.find("Price book: revision collector-2026-12-05, from the collector") !=
          std::string::npos);
    p.signal(SIGTERM);
    CHECK(p.wait(kPatienceMs) == 0);
  }
  // The report prices every record with the saved book, m1 included.
  const CommandResult report =
      run({tracker_bin(), "report", "--state", s.state, "--group-by", "model", "--format", "json"},
          s.env());
  REQUIRE(report.exit_code == 0);
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  REQUIRE_FALSE(parser.parse(report.out).get(doc));
  double usd = -1;
  REQUIRE_FALSE(doc["rows"].at(0)["cost_usd"].get_double().get(usd));
  CHECK(std::llround(usd * 1e6) == 2 * kRequestNanos / 1000);
  // Not running: status names the saved book.
  CHECK(s.status_json().find("\"origin\":\"collector\"") != std::string::npos);

  // A restart starts from the saved book and asks with its digest: 304.
  {
    Process p(s.argv(), s.env(), s.dir / "run2");
    REQUIRE(eventually(kPatienceMs, [&] { return s.server.gets().size() == 2; }));
    CHECK(s.server.gets()[1].header("If-None-Match") == "\"" + s.server.book().digest() + "\"");
    p.signal(SIGTERM);
    CHECK(p.wait(kPatienceMs) == 0);
  }
  // A prices_file is the book, and the collector's is not asked for.
  const std::string own = s.dir / "own-prices.json";
  write_file(own, PriceBook::builtin()->to_json());
  {
    Process p(s.argv({"--prices", own}), s.env(), s.dir / "run3");
    append_file(s.logs + "/p/s.jsonl", request("m3"));
    REQUIRE(eventually(kPatienceMs, [&] {
      return s.status_json().find("\"unshipped\":0") != std::string::npos &&
             sql_int(s.db, "SELECT count(*) FROM usage_records WHERE message_id = 'm3'") == 1;
    }));
    CHECK(s.status_json().find("\"origin\":\"prices_file\"") != std::string::npos);
    CHECK(sql_int(s.db,
                  "SELECT count(*) FROM usage_records WHERE message_id = 'm3' AND "
                  "cost_nanos IS NULL") == 1);
    p.signal(SIGTERM);
    CHECK(p.wait(kPatienceMs) == 0);
  }
  CHECK(s.server.gets().size() == 2);
}
