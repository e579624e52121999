// Seats in the collector's store (a SQLite file and a PostgreSQL database)
// and through `codepulse-collector seats` and `report`: overlapping seats of
// one assignee and plan, impossible dates and negative prices are refused
// with clear errors and store nothing; a report's effective cost spreads the
// stored seats (docs/METRICS.md, "Effective cost"), worked out by hand.
#include <catch2/catch.hpp>

#include "collector/store/store.hpp"
#include "tests/support/collector_fixture.hpp"
#include "tests/support/price_fixtures.hpp"
#include "tests/support/seat_fixtures.hpp"
#include "tests/support/store_targets.hpp"

using namespace codepulse;
using namespace codepulse::collector;
using namespace codepulse::test;

namespace {

std::string refused(Store& store, const SeatRow& s) {
  auto id = store.add_seat(s);
  REQUIRE_FALSE(id);
  return id.error().message;
}

}  // namespace

TEST_CASE("seats are stored, listed, ended and removed, and overlaps and bad input are refused",
          "[collector][seats]") {
  TempDir dir;
  CODEPULSE_STORE_TARGET(target, dir);
  auto opened = open_store(target.db);
  REQUIRE(opened);
  Store& store = **opened;

  auto first = store.add_seat(
      seat_row("claude-max-20x", "claude-code", "Alice@Acme.example", 200, "2026-11-01"));
  REQUIRE(first);
  CHECK(*first == 1);
  // Same assignee (any case) and plan on a common day: refused, naming the seat.
  CHECK(refused(store, seat_row("claude-max-20x", "claude-code", "alice@acme.example", 200,
                                "2026-12-01")) ==
        "alice@acme.example already holds a claude-max-20x seat on these dates: seat 1 "
        "(claude-max-20x of alice@acme.example, 2026-11-01 to open); end it first (seats end) or "
        "pick other dates");
  // Another plan may overlap; the same plan after the first ends may not
  // until it is ended.
  auto team = store.add_seat(
      seat_row("claude-team-premium", "claude-code", "alice@acme.example", 200, "2026-11-10"));
  REQUIRE(team);
  REQUIRE(store.end_seat(1, "2026-11-30"));
  auto next = store.add_seat(
      seat_row("claude-max-20x", "claude-code", "alice@acme.example", 200, "2026-12-01"));
  REQUIRE(next);
  // Ending seat 1 later again would overlap seat 3.
  auto longer = store.end_seat(1, "2026-12-05");
  REQUIRE_FALSE(longer);
  CHECK(longer.error().message.find("seat 3 (claude-max-20x of alice@acme.example, 2026-12-01 "
                                    "to open)") != std::string::npos);

  CHECK(refused(store,
                seat_row("claude-max-5x", "claude-code", "bob@acme.example", 200, "2026-02-30")) ==
        "the start date must be a date (YYYY-MM-DD), got '2026-02-30'");
  CHECK(refused(store, seat_row("claude-max-5x", "claude-code", "bob@acme.example", 200,
                                "2026-11-10", "2026-11-09")) ==
        "the end date 2026-11-09 is before the start date 2026-11-10");
  SeatRow negative =
      seat_row("claude-max-5x", "claude-code", "bob@acme.example", 200, "2026-11-01");
  negative.monthly_nanos = -1;
  CHECK(refused(store, negative) == "the monthly price must be 0 or more");
  CHECK(refused(store, seat_row("claude-max-5x", "claude-code", "bob", 200, "2026-11-01"))
            .rfind("a seat's assignee must be the holder's email", 0) == 0);
  CHECK(store.end_seat(99, "2026-11-30").error().message ==
        "no seat 99 (codepulse-collector seats list shows them)");
  CHECK_FALSE(store.remove_seat(99));

  auto seats = store.load_seats();
  REQUIRE(seats);
  REQUIRE(seats->size() == 3);
  CHECK((*seats)[0].assignee == "alice@acme.example");
  CHECK((*seats)[0].end_day == "2026-11-30");
  CHECK((*seats)[1].plan == "claude-team-premium");
  CHECK((*seats)[2].end_day.empty());
  REQUIRE(store.remove_seat(2));
  seats = store.load_seats();
  REQUIRE(seats);
  CHECK(seats->size() == 2);

  CHECK(parse_seat_price("39.99").value() == 39'990'000'000);
  CHECK(parse_seat_price("$200").value() == 200 * kDollarNanos);
  CHECK(parse_seat_price("-5").error().message == "the monthly price must be 0 or more, got '-5'");
  CHECK_FALSE(parse_seat_price("12,5"));
  CHECK_FALSE(parse_seat_price("1000001"));
}

TEST_CASE("seats through the CLI, and a report's effective cost spreads them",
          "[collector][seats]") {
  TempDir dir;
  CODEPULSE_STORE_TARGET(target, dir);
  {
    auto store = open_store(target.db);
    REQUIRE(store);
    // November 2026: alice 3M input in api on the 5th ($15) and 1M in web
    // on the 25th ($5); carol (no seat) 2M in web on the 10th ($10).
    REQUIRE((*store)->ingest(
        "alice@acme.example",
        decoded_batch("b1", {input_record("a1", 1'793'872'800'000, 3'000'000, "api"),
                             input_record("a2", 1'795'600'800'000, 1'000'000, "web")})));
    REQUIRE((*store)->ingest(
        "carol@acme.example",
        decoded_batch("b2", {input_record("c1", 1'794'304'800'000, 2'000'000, "web")})));
  }
  auto added = run_collector({"seats", "add", "--plan", "claude-max-20x", "--assistant",
                              "claude-code", "--assignee", "alice@acme.example", "--price", "200",
                              "--start", "2026-10-01", "--db", target.db});
  REQUIRE(added.exit_code == 0);
  CHECK(added.out.find("seat 1 added: claude-max-20x of alice@acme.example") != std::string::npos);
  auto idle = run_collector({"seats", "add", "--plan", "copilot-business", "--assistant", "copilot",
                             "--assignee", "dave@acme.example", "--price", "19", "--start",
                             "2026-11-01", "--note", "trial", "--db", target.db});
  REQUIRE(idle.exit_code == 0);
  auto overlap = run_collector({"seats", "add", "--plan", "claude-max-20x", "--assistant",
                                "claude-code", "--assignee", "ALICE@acme.example", "--price", "100",
                                "--start", "2026-11-15", "--db", target.db});
  CHECK(overlap.exit_code == 1);
  CHECK(overlap.err.find("seat not added: alice@acme.example already holds a claude-max-20x seat "
                         "on these dates: seat 1") != std::string::npos);
  auto negative = run_collector({"seats", "add", "--plan", "p", "--assistant", "claude-code",
                                 "--assignee", "x@acme.example", "--price", "-3", "--start",
                                 "2026-11-01", "--db", target.db});
  CHECK(negative.exit_code == 2);
  CHECK(negative.err.find("--price: the monthly price must be 0 or more") != std::string::npos);
  auto list = run_collector({"seats", "list", "--format", "json", "--db", target.db});
  REQUIRE(list.exit_code == 0);
  CHECK(list.out.find("\"id\":2,\"plan\":\"copilot-business\",\"assistant\":\"copilot\","
                      "\"assignee\":\"dave@acme.example\",\"monthly_usd\":19.00,"
                      "\"monthly_nanos\":19000000000,\"start\":\"2026-11-01\",\"end\":null,"
                      "\"note\":\"trial\"") != std::string::npos);

  // alice's $200 over her $20 of list cost: api $150, web $50; carol keeps
  // her $10; dave's $19 copilot seat is idle.
  auto report = run_collector({"report", "--db", target.db, "--since", "2026-11-01", "--until",
                               "2026-11-30", "--group-by", "author,repo", "--format", "json"});
  REQUIRE(report.exit_code == 0);
  CHECK(report.out.find("\"totals\":{") != std::string::npos);
  CHECK(report.out.find("\"effective_cost_nanos\":210000000000") != std::string::npos);
  CHECK(report.out.find("\"effective_cost_nanos\":150000000000") != std::string::npos);
  CHECK(report.out.find("\"effective_cost_nanos\":50000000000") != std::string::npos);
  CHECK(report.out.find("\"idle_seats\":[{\"seat_id\":2,\"plan\":\"copilot-business\","
                        "\"assistant\":\"copilot\",\"assignee\":\"dave@acme.example\","
                        "\"month\":\"2026-11\",\"charge_usd\":19.000000,"
                        "\"charge_nanos\":19000000000}]") != std::string::npos);
  auto csv =
      run_collector({"report", "--db", target.db, "--since", "2026-11-20", "--until", "2026-11-30",
                     "--group-by", "author", "--format", "csv", "--cost", "effective"});
  REQUIRE(csv.exit_code == 0);
  // From the 20th only alice's web usage: still $50 of her seat.
  CHECK(csv.out.find("alice@acme.example,") != std::string::npos);
  CHECK(csv.out.find(",50.000000,") != std::string::npos);

  auto ended = run_collector({"seats", "end", "1", "--on", "2026-11-15", "--db", target.db});
  REQUIRE(ended.exit_code == 0);
  // Held 15 of 30 days: $100 over the same $20.
  report = run_collector({"report", "--db", target.db, "--since", "2026-11-01", "--until",
                          "2026-11-30", "--group-by", "author", "--format", "json"});
  REQUIRE(report.exit_code == 0);
  CHECK(report.out.find("\"effective_cost_nanos\":110000000000") != std::string::npos);
  auto removed = run_collector({"seats", "remove", "1", "--db", target.db});
  REQUIRE(removed.exit_code == 0);
  CHECK(run_collector({"seats", "remove", "1", "--db", target.db}).err.find("no seat 1") !=
        std::string::npos);
}
