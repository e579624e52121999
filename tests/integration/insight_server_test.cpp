// GET /v1/waste and GET /v1/anomalies on a real server process: the same
// JSON and CSV as `codepulse-collector waste` and `anomalies` print for the
// same store, for viewer and admin tokens only, a bad setting answered 400.
#include <catch2/catch.hpp>

#include "collector/store/store.hpp"
#include "tests/support/collector_fixture.hpp"
#include "tests/support/insight_records.hpp"
#include "tests/support/price_fixtures.hpp"
#include "tests/support/tls_peer.hpp"

using namespace codepulse;
using namespace codepulse::collector;
using namespace codepulse::test;

namespace {

proto::WireRecord record(const std::string& uid, int64_t ts, const std::string& session) {
  proto::WireRecord w =
      thousand_token_record(uid, ts, session, "claude-sonnet-4-5-20250929", "github.com/acme/api");
  w.usage.turn_id = "turn-" + session;
  w.usage.tools.push_back(read_call("toolu_" + uid, "a.txt"));
  return w;
}

// The collector's output for `args`, which must succeed.
std::string cli(std::vector<std::string> args) {
  args.insert(args.begin(), collector_bin());
  const CommandResult r = run(args);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return r.out;
}

}  // namespace

TEST_CASE("the waste ledger and the anomalies over HTTP equal the CLI's, for readers only",
          "[collector][waste][anomalies][server]") {
  TempDir dir;
  const std::string db = dir / "collector.db";
  {
    auto store = open_store(db);
    REQUIRE(store);
    // One session reading a.txt twice (2026-11-03), no commit.
    REQUIRE((*store)->ingest("dev@acme.example",
                             decoded_batch("b1", {record("r1", 1'793'700'000'000, "s1"),
                                                  record("r2", 1'793'700'060'000, "s1")})));
  }
  CollectorFixture c(dir / "collector");
  c.use_db(db);
  const std::string admin = c.token_of(c.token_file("admin@acme.example", "admin"));
  const std::string viewer = c.token_of(c.token_file("lead@acme.example", "viewer"));
  const std::string tracker = c.token_of(c.token_file("dev@acme.example"));
  c.start();
  auto get = [&](const std::string& token, const std::string& path) {
    return https_call(c.port(), c.ca(), "GET", path,
                      token.empty() ? std::vector<std::string>{}
                                    : std::vector<std::string>{"Authorization: Bearer " + token});
  };

  auto waste = get(viewer, "/v1/waste?group_by=session");
  REQUIRE(waste.status == 200);
  CHECK(waste.has("Content-Type: application/json"));
  CHECK(waste.body == cli({"waste", "--db", db, "--by", "session", "--format", "json"}));
  CHECK(waste.body.find(R"("rule":"repeated_read")") != std::string::npos);
  CHECK(get(admin, "/v1/waste?group_by=session&format=json").body == waste.body);
  auto csv = get(viewer, "/v1/waste?group_by=session&format=csv");
  REQUIRE(csv.status == 200);
  CHECK(csv.has("Content-Type: text/csv; charset=utf-8"));
  CHECK(csv.body == cli({"waste", "--db", db, "--by", "session", "--format", "csv"}));

  const std::string range = "since=2026-11-01&until=2026-11-10";
  auto anomalies = get(viewer, "/v1/anomalies?" + range);
  REQUIRE(anomalies.status == 200);
  CHECK(anomalies.body == cli({"anomalies", "--db", db, "--since", "2026-11-01", "--until",
                               "2026-11-10", "--format", "json"}));
  CHECK(anomalies.body.find(R"("kind":"no_commit_repo")") != std::string::npos);

  for (const std::string path : {"/v1/waste", "/v1/anomalies"}) {
    INFO(path);
    CHECK(get("", path).status == 401);
    CHECK(get(tracker, path).status == 403);
  }
  auto bad_idle = get(viewer, "/v1/waste?idle_minutes=x");
  CHECK(bad_idle.status == 400);
  CHECK(bad_idle.body.find("idle_minutes: expected a whole number from 1 to 10080, got 'x'") !=
        std::string::npos);
  auto bad_k = get(viewer, "/v1/anomalies?k=1");
  CHECK(bad_k.status == 400);
  CHECK(bad_k.body.find("k: expected a whole number from 2 to 1000") != std::string::npos);
  auto unknown = get(viewer, "/v1/anomalies?group_by=repo");
  CHECK(unknown.status == 400);
  CHECK(unknown.body.find("unknown parameter 'group_by'") != std::string::npos);
  CHECK(get(viewer, "/v1/waste?format=table").status == 400);
}
