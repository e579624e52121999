// The generic router: exact and prefix paths, methods, the 404 and 405
// decisions, the label a request is counted under, and the rendered table.
#include "collector/http/router.hpp"

#include <catch2/catch.hpp>

using namespace codepulse::collector;

namespace {

const Router& router() {
  static const Router r({
      {.method = "POST",
       .path = "/v1/items",
       .access = Access::kTrackerToken,
       .handler = 1,
       .summary = "add an item"},
      {.method = "GET",
       .path = "/v1/items",
       .access = Access::kReader,
       .handler = 2,
       .summary = "the items"},
      {.method = "GET", .path = "/v1/me", .any_method = true, .handler = 3, .summary = "who"},
      {.method = "GET", .path = "/files/", .prefix = true, .handler = 4, .summary = "a file"},
      {.method = "GET", .path = "/", .handler = 5, .summary = "the home page"},
  });
  return r;
}

}  // namespace

TEST_CASE("the router picks a route by path, then by method", "[collector][http][router]") {
  auto post = router().match("POST", "/v1/items");
  REQUIRE(post.kind == RouteMatch::Kind::kFound);
  CHECK(post.route->handler == 1);
  CHECK(post.label == "/v1/items");
  auto get = router().match("GET", "/v1/items?since=2026-01-01&x=/v1/me");
  REQUIRE(get.kind == RouteMatch::Kind::kFound);
  CHECK(get.route->handler == 2);
  CHECK(get.label == "/v1/items");
  CHECK(router().match("GET", "/").route->handler == 5);
}

TEST_CASE("the router answers 404 for an unknown path and 405 for another method",
          "[collector][http][router]") {
  for (const char* target : {"/v1/item", "/v1/items/", "/V1/ITEMS", "/files", "", "*",
                             "https://example.org/v1/items", "/v1/me/x"}) {
    INFO(target);
    auto m = router().match("GET", target);
    CHECK(m.kind == RouteMatch::Kind::kNotFound);
    CHECK(m.route == nullptr);
    CHECK(m.label == "other");
  }
  auto del = router().match("DELETE", "/v1/items");
  CHECK(del.kind == RouteMatch::Kind::kWrongMethod);
  CHECK(del.allowed == "POST or GET");
  CHECK(del.label == "/v1/items");
  REQUIRE(del.route);
  CHECK(del.route->handler == 1);  // the path's first route
  auto post = router().match("POST", "/");
  CHECK(post.kind == RouteMatch::Kind::kWrongMethod);
  CHECK(post.allowed == "GET");
  // Methods are case-sensitive, as HTTP says.
  CHECK(router().match("get", "/").kind == RouteMatch::Kind::kWrongMethod);
}

TEST_CASE("a prefix route takes every path below it, counted under the prefix",
          "[collector][http][router]") {
  auto m = router().match("GET", "/files/a/b.js?v=1");
  REQUIRE(m.kind == RouteMatch::Kind::kFound);
  CHECK(m.route->handler == 4);
  CHECK(m.label == "/files");
  auto post = router().match("POST", "/files/a.js");
  CHECK(post.kind == RouteMatch::Kind::kWrongMethod);
  CHECK(post.label == "/files");
}

TEST_CASE("a route taking any method gets the methods no route of its path names",
          "[collector][http][router]") {
  for (const char* method : {"GET", "POST", "PUT", "DELETE", "PATCH"}) {
    auto m = router().match(method, "/v1/me");
    REQUIRE(m.kind == RouteMatch::Kind::kFound);
    CHECK(m.route->handler == 3);
  }
}

TEST_CASE("the rendered table has one aligned line per route", "[collector][http][router]") {
  const std::string table = render_routes(router().routes());
  CHECK(table ==
        "  POST /v1/items  tracker or admin token             add an item\n"
        "  GET  /v1/items  viewer or admin token, or session  the items\n"
        "  GET  /v1/me     anyone                             who\n"
        "  GET  /files/*   anyone                             a file\n"
        "  GET  /          anyone                             the home page\n");
  // Nothing trails a line when a route has no summary.
  CHECK(render_routes({{.method = "GET", .path = "/x", .summary = ""}}) == "  GET /x  anyone\n");
}
