// `codepulse-collector statement` on a SQLite file and a PostgreSQL
// database: a month worked out by hand, with a seat spread, an idle seat, an
// API-billed author, an unpriced model and the provider's imported cost.
#include <catch2/catch.hpp>

#include "collector/store/store.hpp"
#include "tests/support/collector_fixture.hpp"
#include "tests/support/price_fixtures.hpp"
#include "tests/support/seat_fixtures.hpp"
#include "tests/support/store_targets.hpp"

using namespace codepulse;
using namespace codepulse::collector;
using namespace codepulse::test;

TEST_CASE("statement: a month by author, repository and model, seats and the provider's cost",
          "[collector][seats][statement]") {
  TempDir dir;
  CODEPULSE_STORE_TARGET(target, dir);
  {
    auto opened = open_store(target.db);
    REQUIRE(opened);
    Store& store = **opened;
    // alice (a $200 seat): 3M input in api on the 5th ($15), 1M in web on
    // the 25th ($5). carol (no seat): 2M in web on the 10th ($10) and a
    // gateway model without a price. dave: a $19 Copilot seat, no usage.
    REQUIRE(store.ingest(
        "alice@acme.example",
        decoded_batch("b1", {input_record("a1", 1'793'872'800'000, 3'000'000, "api"),
                             input_record("a2", 1'795'600'800'000, 1'000'000, "web")})));
    REQUIRE(store.ingest(
        "carol@acme.example",
        decoded_batch("b2", {input_record("c1", 1'794'304'800'000, 2'000'000, "web"),
                             input_record("c2", 1'794'304'900'000, 500, "web", kGatewayModel)})));
    // Anthropic's cost report of the 5th: $32 of Opus.
    REQUIRE(add_seats_and_opus_cost(store));
  }
  auto run_statement = [&](const std::string& format) {
    return run({collector_bin(), "statement", "--month", "2026-11", "--db", target.db, "--format",
                format});
  };
  const CommandResult csv = run_statement("csv");
  REQUIRE(csv.exit_code == 0);
  INFO(csv.out);
  // Effective: alice's $20 of list cost carries her $200 seat; carol keeps
  // her $10; dave's $19 is idle. $210 + $19 idle = $219 of seats + $10.
  for (const char* line :
       {"section,key,records,unpriced_records,list_cost_usd,cost_usd,effective_cost_usd,"
        "list_cost_nanos,cost_nanos,effective_cost_nanos,provider_cost_usd,provider_cost_nanos,"
        "diff_usd,diff_nanos,note\n",
        "\ntotal,total,4,1,30.000000,30.000000,210.000000,30000000000,30000000000,210000000000,"
        ",,,,\n",
        "\nauthor,alice@acme.example,2,0,20.000000,20.000000,200.000000,20000000000,20000000000,"
        "200000000000,,,,,\n",
        "\nauthor,carol@acme.example,2,1,10.000000,10.000000,10.000000,10000000000,10000000000,"
        "10000000000,,,,,\n",
        "\nrepo,api,1,0,15.000000,15.000000,150.000000,",
        "\nrepo,web,3,1,15.000000,15.000000,60.000000,",
        "\nmodel,claude-opus-4-6,3,0,30.000000,30.000000,210.000000,",
        "\nseats,charges,,,,,219.000000,,,219000000000,,,,,every seat's charge this month\n",
        "\nseats,idle,,,,,19.000000,,,19000000000,,,,,charges with no usage to spread over\n",
        "\nidle_seat,copilot-business of dave@acme.example (copilot),,,,,19.000000,,,19000000000,"
        ",,,,seat 2\n",
        // codepulse's $30 of Anthropic models next to the $32 imported: $2 more.
        "\nprovider,anthropic,,,,30.000000,,,30000000000,,32.000000,32000000000,2.000000,"
        "2000000000,1 day(s) of the provider's cost imported\n",
        "\nunpriced,glm-4-6,1,1,,,,,,,,,,,500 tokens without a price\n"}) {
    CHECK(csv.out.find(line) != std::string::npos);
  }
  const CommandResult json = run_statement("json");
  REQUIRE(json.exit_code == 0);
  CHECK(json.out.find(R"("seats":{"charges_usd":219.000000,"charges_nanos":219000000000,)"
                      R"("idle_usd":19.000000,"idle_nanos":19000000000})") != std::string::npos);
  const CommandResult table = run_statement("table");
  REQUIRE(table.exit_code == 0);
  CHECK(table.out.find("$210.00") != std::string::npos);
  CHECK(table.out.find("no usage to spread over") != std::string::npos);
  const CommandResult bad =
      run({collector_bin(), "statement", "--month", "2026-13", "--db", target.db});
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("--month '2026-13': expected YYYY-MM, e.g. 2026-11") != std::string::npos);
}
