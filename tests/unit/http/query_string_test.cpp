// URL query strings for GET /v1/report.
#include "collector/http/query_string.hpp"

#include <catch2/catch.hpp>

using codepulse::collector::parse_query_string;

TEST_CASE("query strings are split and percent-decoded in order", "[collector][unit]") {
  auto q = parse_query_string("group_by=date%2Cmodel&where=repo%3Dgithub.com%2Facme&where=a+b&x");
  REQUIRE(q);
  REQUIRE(q->size() == 4);
  CHECK((*q)[0] == std::pair<std::string, std::string>{"group_by", "date,model"});
  CHECK((*q)[1].second == "repo=github.com/acme");
  CHECK((*q)[2].second == "a b");
  CHECK((*q)[3] == std::pair<std::string, std::string>{"x", ""});
  CHECK(parse_query_string("")->empty());
}

TEST_CASE("bad percent escapes are refused", "[collector][unit]") {
  CHECK_FALSE(parse_query_string("a=%zz"));
  CHECK_FALSE(parse_query_string("a=%4"));
  CHECK_FALSE(parse_query_string("a=%00"));
}
