// The seats' admin API on a real server process, and the live report cube's
// effective cost following the seats at once: admins only, bad input and
// overlaps refused with 400 naming the problem, unknown seats 404 (on SQLite
// and PostgreSQL).
#include <catch2/catch.hpp>

#include "tests/support/collector_fixture.hpp"
#include "tests/support/price_fixtures.hpp"
#include "tests/support/seat_fixtures.hpp"
#include "tests/support/store_targets.hpp"
#include "tests/support/tls_peer.hpp"

using namespace codepulse;
using namespace codepulse::test;

namespace {

std::string totals_field(const std::string& json, const std::string& key) {
  const auto totals = json.find("\"totals\":{");
  const auto at = json.find("\"" + key + "\":", totals);
  if (totals == std::string::npos || at == std::string::npos) return "";
  const size_t start = at + key.size() + 3;
  return json.substr(start, json.find_first_of(",}", at) - start);
}

}  // namespace

TEST_CASE("the seats' admin API adds, ends and removes seats, and reports follow at once",
          "[collector][seats][server]") {
  TempDir dir;
  CODEPULSE_STORE_TARGET(target, dir);
  CollectorFixture c(dir / "collector");
  c.use_db(target.db);
  const std::string admin = c.token_of(c.token_file("admin@acme.example", "admin"));
  const std::string viewer = c.token_of(c.token_file("lead@acme.example", "viewer"));
  const std::string tracker = c.token_of(c.token_file("dev@acme.example"));
  c.start();
  auto call = [&](const std::string& token, const std::string& method, const std::string& path,
                  const std::string& body = "") {
    return https_call(c.port(), c.ca(), method, path,
                      {"Authorization: Bearer " + token, "Content-Type: application/json"}, body);
  };

  auto listed = call(admin, "GET", "/v1/admin/seats");
  CHECK(listed.status == 200);
  CHECK(listed.body == "{\"seats\":[]}");
  auto denied = call(viewer, "GET", "/v1/admin/seats");
  CHECK(denied.status == 403);
  CHECK(denied.body.find("the seats' admin API needs an admin token; this is a viewer token") !=
        std::string::npos);

  const std::string seat =
      R"({"plan":"claude-max-20x","assistant":"claude-code","assignee":"Dev@acme.example",)"
      R"("monthly_usd":"200","start":"2026-10-01","note":"pilot"})";
  auto added = call(admin, "POST", "/v1/admin/seats", seat);
  REQUIRE(added.status == 200);
  CHECK(added.body.find(R"("id":1,"plan":"claude-max-20x","assistant":"claude-code",)"
                        R"("assignee":"dev@acme.example","monthly_usd":200.00,)"
                        R"("monthly_nanos":200000000000,"start":"2026-10-01","end":null,)"
                        R"("note":"pilot","created_by":"admin@acme.example")") !=
        std::string::npos);
  auto overlap = call(admin, "POST", "/v1/admin/seats", seat);
  CHECK(overlap.status == 400);
  CHECK(overlap.body.find("dev@acme.example already holds a claude-max-20x seat on these dates: "
                          "seat 1") != std::string::npos);
  auto bad_day = call(admin, "POST", "/v1/admin/seats",
                      R"({"plan":"p","assistant":"codex","assignee":"a@acme.example",)"
                      R"("monthly_usd":10,"start":"2026-13-01"})");
  CHECK(bad_day.status == 400);
  CHECK(bad_day.body.find("the start date must be a date (YYYY-MM-DD), got '2026-13-01'") !=
        std::string::npos);
  auto negative = call(admin, "POST", "/v1/admin/seats",
                       R"({"plan":"p","assistant":"codex","assignee":"a@acme.example",)"
                       R"("monthly_usd":-5,"start":"2026-11-01"})");
  CHECK(negative.status == 400);
  CHECK(negative.body.find("monthly_usd: the monthly price must be 0 or more, got '-5'") !=
        std::string::npos);

  // 1M input tokens of Opus on 2026-11-05 ($5 at list prices) carry the
  // whole $200 seat.
  auto shipped = https_call(
      c.port(), c.ca(), "POST", "/v1/batches",
      {"Authorization: Bearer " + tracker, "Content-Encoding: zstd"},
      batch_body("b1", {input_record("r1", 1'793'872'800'000, 1'000'000, "github.com/acme/api")}));
  REQUIRE(shipped.status == 200);
  const std::string nov = "/v1/report?group_by=author&since=2026-11-01&until=2026-11-30";
  std::string body;
  const bool seen = eventually(kPatienceMs, [&] {
    body = call(viewer, "GET", nov).body;
    return totals_field(body, "records") == "1";
  });
  INFO(body.substr(0, 800));
  REQUIRE(seen);
  CHECK(totals_field(body, "effective_cost_nanos") == "200000000000");
  CHECK(totals_field(body, "list_cost_nanos") == "5000000000");

  // Ended on the 15th: 15 of 30 days, $100.
  auto ended = call(admin, "POST", "/v1/admin/seats/1/end", R"({"end":"2026-11-15"})");
  REQUIRE(ended.status == 200);
  CHECK(ended.body.find(R"("end":"2026-11-15")") != std::string::npos);
  CHECK(totals_field(call(viewer, "GET", nov).body, "effective_cost_nanos") == "100000000000");
  CHECK(call(admin, "POST", "/v1/admin/seats/7/end", R"({"end":"2026-11-15"})").status == 404);
  auto before = call(admin, "POST", "/v1/admin/seats/1/end", R"({"end":"2026-09-30"})");
  CHECK(before.status == 400);
  CHECK(before.body.find("the end date 2026-09-30 is before the start date 2026-10-01") !=
        std::string::npos);

  auto removed = call(admin, "DELETE", "/v1/admin/seats/1");
  REQUIRE(removed.status == 200);
  CHECK(removed.body == "{\"removed\":1}");
  CHECK(totals_field(call(viewer, "GET", nov).body, "effective_cost_nanos") == "5000000000");
  CHECK(call(admin, "DELETE", "/v1/admin/seats/1").status == 404);
}
