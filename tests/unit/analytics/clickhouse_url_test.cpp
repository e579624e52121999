#include <catch2/catch.hpp>

#include "collector/analytics/clickhouse_client.hpp"

using namespace codepulse::collector::analytics;

TEST_CASE("clickhouse URLs name host, port, database, user and password", "[analytics]") {
  auto plain = parse_clickhouse_url("clickhouse://ch.internal");
  REQUIRE(plain);
  CHECK(plain->host == "ch.internal");
  CHECK(plain->port == "8123");
  CHECK(plain->database == "codepulse");
  CHECK(plain->user == "default");
  CHECK(plain->password.empty());

  auto full = parse_clickhouse_url("clickhouse://reports:p%40ss%3Aword@10.0.0.7:18123/usage_db/");
  REQUIRE(full);
  CHECK(full->host == "10.0.0.7");
  CHECK(full->port == "18123");
  CHECK(full->database == "usage_db");
  CHECK(full->user == "reports");
  CHECK(full->password == "p@ss:word");
  CHECK(full->display() == "10.0.0.7:18123/usage_db");  // never the password

  auto v6 = parse_clickhouse_url("clickhouse://[::1]:9000");
  REQUIRE(v6);
  CHECK(v6->host == "::1");
  CHECK(v6->port == "9000");
  CHECK(v6->display() == "[::1]:9000/codepulse");
  CHECK(v6->cluster.empty());
  CHECK(v6->shards.empty());
}

TEST_CASE("clickhouse URLs name a cluster and one server of each of its shards", "[analytics]") {
  auto c = parse_clickhouse_url(
      "clickhouse://reports:pw?x@ch-query:8123/usage?cluster=codepulse&shard=ch-1&shard=[fd00::2]:"
      "18123");
  REQUIRE(c);
  CHECK(c->host == "ch-query");
  CHECK(c->database == "usage");
  CHECK(c->password == "pw?x");  // a '?' before the host is the password's
  CHECK(c->cluster == "codepulse");
  REQUIRE(c->shards == std::vector<std::string>{"ch-1:8123", "[fd00::2]:18123"});
  const ClickHouseTarget second = c->shard(1);
  CHECK(second.host == "fd00::2");
  CHECK(second.port == "18123");
  CHECK(second.database == "usage");
  CHECK(second.user == "reports");
  CHECK(second.password == "pw?x");
  CHECK(second.cluster.empty());
  CHECK(second.shards.empty());
  CHECK(c->shard(0).port == "8123");
  auto no_db = parse_clickhouse_url("clickhouse://ch?cluster=two&shard=a:1&shard=b:2");
  REQUIRE(no_db);
  CHECK(no_db->host == "ch");
  CHECK(no_db->database == "codepulse");
  CHECK(no_db->shards.size() == 2);
}

TEST_CASE("bad clickhouse URLs say what is wrong and never echo the password", "[analytics]") {
  struct Case {
    const char* url;
    const char* says;
  };
  const Case cases[] = {
      {"http://ch:8123", "must start with clickhouse://"},
      {"clickhouse://", "no host"},
      {"clickhouse://ch:0", "not a number from 1 to 65535"},
      {"clickhouse://ch:99999", "not a number from 1 to 65535"},
      {"clickhouse://ch:12ab", "not a number"},
      {"clickhouse://ch/bad-name", "letters, digits and '_'"},
      {"clickhouse://ch/1db", "letters, digits and '_'"},
      {"clickhouse://[::1", "without ']'"},
      {"clickhouse://:s3cretpw@ch", "empty user name"},
      {"clickhouse://u:s3cret%zzpw@ch", "percent-escape"},
      {"clickhouse://u:s3cret@ch?cluster=two", "a cluster without its shards"},
      {"clickhouse://u:s3cret@ch?shard=a:1", "shards without a cluster name"},
      {"clickhouse://u:s3cret@ch?cluster=a-b&shard=a:1", "the cluster name 'a-b'"},
      {"clickhouse://u:s3cret@ch?cluster=two&shard=a:0", "shard 'a:0'"},
      {"clickhouse://u:s3cret@ch?cluster=two&shard=a&shard=a:8123", "shard a:8123 given twice"},
      {"clickhouse://u:s3cret@ch?cluster=two&cluster=three&shard=a", "cluster given twice"},
      {"clickhouse://u:s3cret@ch?replicas=2", "unknown parameter 'replicas'"},
  };
  for (const Case& c : cases) {
    INFO(c.url);
    auto r = parse_clickhouse_url(c.url);
    REQUIRE_FALSE(r);
    CHECK_THAT(r.error().message, Catch::Contains(c.says));
    CHECK_THAT(r.error().message, !Catch::Contains("s3cret"));
  }
}

TEST_CASE("ClickHouse error replies read as their code and text", "[analytics]") {
  const auto e = parse_server_error(
      "Code: 60, e.displayText() = DB::Exception: Table cp.nope doesn't exist., e.what() = "
      "DB::Exception\n");
  CHECK(e.code == 60);
  CHECK(e.text == "Table cp.nope doesn't exist.");
  const auto multi = parse_server_error(
      "Code: 27, e.displayText() = DB::Exception: Cannot parse input: expected , before: "
      "\"123\"}\n(at row 1)\n, e.what() = DB::Exception\n");
  CHECK(multi.code == 27);
  CHECK(multi.text == "Cannot parse input: expected , before: \"123\"} (at row 1) ");
  const auto none = parse_server_error("Bad Request");
  CHECK(none.code == 0);
  CHECK(none.text == "Bad Request");
}

TEST_CASE("ClickHouse versions compare by their numbers", "[analytics]") {
  auto old = parse_server_version("18.16.1\n");
  REQUIRE(old);
  CHECK(*old == ServerVersion{18, 16, 1});
  auto current = parse_server_version("24.8.4.13");
  REQUIRE(current);
  CHECK(*old < *current);
  CHECK(ServerVersion{18, 14, 0} < *old);
  CHECK_FALSE(parse_server_version("unknown"));
}
