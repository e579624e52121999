// The ClickHouse client against a real clickhouse-server (Debian's 18.16 in
// CI) on a loopback port.
#include "collector/analytics/clickhouse_client.hpp"

#include <catch2/catch.hpp>

#include "tests/support/clickhouse_server.hpp"
#include "tests/support/skip.hpp"

using namespace codepulse::collector::analytics;
using codepulse::test::ClickHouseServer;

TEST_CASE("the ClickHouse client creates, inserts and reads on a real server",
          "[analytics][clickhouse]") {
  ClickHouseServer* server = ClickHouseServer::shared();
  if (!server) CODEPULSE_SKIP(ClickHouseServer::why());
  ClickHouseClient client(codepulse::test::clickhouse_target(server->create_database_url()));
  REQUIRE(client.ping());
  auto version = client.server_version();
  REQUIRE(version);
  auto parsed = parse_server_version(*version);
  REQUIRE(parsed);
  CHECK(*parsed >= ServerVersion{18, 16, 0});

  REQUIRE(client.execute("CREATE DATABASE IF NOT EXISTS " + client.target().database, {}, false));
  REQUIRE(
      client.execute("CREATE TABLE t (uid String, revision UInt64, n Int64) ENGINE = "
                     "ReplacingMergeTree(revision) ORDER BY uid"));
  REQUIRE(client.insert("t", "JSONEachRow",
                        "{\"uid\":\"a\",\"revision\":1,\"n\":5}\n"
                        "{\"uid\":\"b\",\"revision\":1,\"n\":7}\n"
                        "{\"uid\":\"a\",\"revision\":2,\"n\":6}\n"));
  auto sum = client.execute("SELECT sum(n), count() FROM t FINAL FORMAT TabSeparated");
  REQUIRE(sum);
  CHECK(*sum == "13\t2\n");

  // One keep-alive connection serves many requests.
  for (int i = 0; i < 20; ++i) {
    auto one = client.execute("SELECT " + std::to_string(i) + " FORMAT TabSeparated");
    REQUIRE(one);
    CHECK(*one == std::to_string(i) + "\n");
  }

  // A statement longer than the server's default max_query_size (256 KiB):
  // a literal list of 40,000 values, as a large epic map makes one.
  std::string values;
  for (int i = 0; i < 40'000; ++i)
    values += (i ? ", '" : "'") + std::string("TASK-") + std::to_string(i) + "'";
  REQUIRE(values.size() > 262'144);
  auto long_one = client.execute("SELECT length([" + values + "]) FORMAT TabSeparated");
  REQUIRE(long_one);
  CHECK(*long_one == "40000\n");

  // A statement of more syntax elements than the server's default 50,000,
  // short of its default 256 KiB: a list of 15,000 pairs, as a report
  // asked level by level names the parents its cut keeps.
  std::string pairs;
  for (int i = 0; i < 15'000; ++i)
    pairs += (i ? ", (" : "(") + std::to_string(i) + ", " + std::to_string(i) + ")";
  REQUIRE(pairs.size() < 262'144);
  auto wide = client.execute("SELECT count() FROM (SELECT 7 AS k0, 7 AS k1) WHERE (k0, k1) IN (" +
                             pairs + ") FORMAT TabSeparated");
  INFO((wide ? std::string() : wide.error().message));
  REQUIRE(wide);
  CHECK(*wide == "1\n");
}

TEST_CASE("ClickHouse errors name the server, the statement and the server's reason",
          "[analytics][clickhouse]") {
  ClickHouseServer* server = ClickHouseServer::shared();
  if (!server) CODEPULSE_SKIP(ClickHouseServer::why());
  ClickHouseClient client(codepulse::test::clickhouse_target(server->create_database_url()));
  REQUIRE(client.execute("CREATE DATABASE IF NOT EXISTS " + client.target().database, {}, false));

  auto missing = client.execute("SELECT * FROM no_such_table");
  REQUIRE_FALSE(missing);
  CHECK_THAT(missing.error().message, Catch::Contains(client.target().display()));
  CHECK_THAT(missing.error().message, Catch::Contains("SELECT * FROM no_such_table"));
  CHECK_THAT(missing.error().message, Catch::Contains("code 60"));
  CHECK_THAT(missing.error().message, Catch::Contains("no_such_table"));
  CHECK_THAT(missing.error().message, Catch::Contains("HTTP 404"));

  // A bad row fails the whole insert: nothing of it is stored.
  REQUIRE(client.execute("CREATE TABLE d (x Decimal(38, 0)) ENGINE = MergeTree ORDER BY x"));
  auto bad = client.insert("d", "JSONEachRow", "{\"x\":1}\n{\"x\":\"2\"}\n");
  REQUIRE_FALSE(bad);
  CHECK_THAT(bad.error().message, Catch::Contains("INSERT INTO d FORMAT JSONEachRow"));
  CHECK_THAT(bad.error().message, Catch::Contains("code 27"));
  auto count = client.execute("SELECT count() FROM d FORMAT TabSeparated");
  REQUIRE(count);
  CHECK(*count == "0\n");

  // An error met while the result was being made is an error, never a
  // short result (the reply waits for the end of the query).
  auto midway = client.execute(
      "SELECT number, throwIf(number = 200000) FROM system.numbers LIMIT 400000 FORMAT "
      "TabSeparated");
  REQUIRE_FALSE(midway);
  CHECK_THAT(midway.error().message, Catch::Contains("code 395"));

  // A wrong password: refused, and the password is in no error.
  auto wrong_target = client.target();
  wrong_target.password = "n0t-the-pa55word";
  ClickHouseClient wrong(wrong_target);
  auto refused = wrong.execute("SELECT 1");
  REQUIRE_FALSE(refused);
  CHECK_THAT(refused.error().message, Catch::Contains("code 193"));
  CHECK_THAT(refused.error().message, Catch::Contains("HTTP 401"));
  CHECK_THAT(refused.error().message, !Catch::Contains("n0t-the-pa55word"));

  // A reply over the limit is refused, not read whole.
  ClickHouseClient small(client.target(), {std::chrono::milliseconds(30'000), 1u << 20});
  auto big = small.execute("SELECT number FROM system.numbers LIMIT 1000000 FORMAT TabSeparated");
  REQUIRE_FALSE(big);
  CHECK_THAT(big.error().message, Catch::Contains("larger than 1 MiB"));
  CHECK(small.execute("SELECT 1"));  // and the client goes on
}

TEST_CASE("the ClickHouse client reconnects after its server was restarted",
          "[analytics][clickhouse]") {
  if (!ClickHouseServer::why().empty()) CODEPULSE_SKIP(ClickHouseServer::why());
  auto server = ClickHouseServer::start_new();
  ClickHouseClient client(codepulse::test::clickhouse_target(server->url("restarts")),
                          {std::chrono::milliseconds(5000)});
  REQUIRE(client.execute("SELECT 1", {}, false));
  server->stop();
  auto down = client.execute("SELECT 1", {}, false);
  REQUIRE_FALSE(down);
  CHECK_THAT(down.error().message, Catch::Contains("cannot connect"));
  server->start();
  auto up = client.execute("SELECT 2 FORMAT TabSeparated", {}, false);
  REQUIRE(up);
  CHECK(*up == "2\n");
}
