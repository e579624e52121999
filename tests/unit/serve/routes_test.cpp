// The collector's route table: every endpoint is in it, and what the server
// answers a request no route takes (404, 405, a body too large), decided by
// the router alone.
#include "collector/serve/routes.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <sstream>

#include "collector/serve/viewer_routes.hpp"
#include "tests/support/test_support.hpp"

using namespace codepulse;
using namespace codepulse::collector;

namespace {

RouteMatch match(std::string_view method, std::string_view target) {
  return collector_router().match(method, target);
}

std::string error_of(const HttpReply& reply) {
  const auto start = reply.body.find("\"error\":\"") + 9;
  return reply.body.substr(start, reply.body.find("\",\"status\"") - start);
}

}  // namespace

TEST_CASE("the route table holds every endpoint the collector serves",
          "[collector][server][routes]") {
  const std::vector<std::pair<std::string, std::string>> endpoints = {
      {"POST", "/v1/batches"},
      {"GET", "/v1/report"},
      {"GET", "/v1/reconcile"},
      {"GET", "/v1/statement"},
      {"GET", "/v1/waste"},
      {"GET", "/v1/anomalies"},
      {"GET", "/v1/hotspots"},
      {"GET", "/v1/whoami"},
      {"POST", "/v1/session"},
      {"GET", "/v1/session"},
      {"DELETE", "/v1/session"},
      {"GET", "/v1/health"},
      {"GET", "/v1/sso"},
      {"GET", "/v1/sso/login"},
      {"GET", "/v1/sso/callback"},
      {"POST", "/v1/sso/logout"},
      {"POST", "/v1/webhooks/jira"},
      {"POST", "/v1/webhooks/github"},
      {"POST", "/v1/webhooks/bitbucket"},
      {"POST", "/v1/deployments"},
      {"POST", "/v1/incidents"},
      {"GET", "/v1/deployments/stats"},
      {"GET", "/v1/deployments/bugs"},
      {"GET", "/v1/tasks/classes"},
      {"GET", "/v1/deployments"},
      {"GET", "/"},
      {"GET", "/assets/index.js"},
      {"GET", "/healthz"},
      {"GET", "/metrics"},
      {"GET", "/v1/prices"},
      {"GET", "/v1/generation"},
      {"GET", "/v1/admin/prices"},
      {"GET", "/v1/admin/prices/history"},
      {"GET", "/v1/admin/prices/unpriced"},
      {"POST", "/v1/admin/prices/book"},
      {"POST", "/v1/admin/prices/overrides"},
      {"DELETE", "/v1/admin/prices/overrides/12"},
      {"GET", "/v1/admin/seats"},
      {"POST", "/v1/admin/seats"},
      {"POST", "/v1/admin/seats/3/end"},
      {"DELETE", "/v1/admin/seats/3"},
      {"GET", "/v1/budgets"},
      {"GET", "/v1/admin/budgets"},
      {"POST", "/v1/admin/budgets"},
      {"POST", "/v1/admin/budgets/3/override"},
      {"DELETE", "/v1/admin/budgets/3"},
      {"GET", "/v1/admin/people"},
      {"PUT", "/v1/admin/people"},
      {"GET", "/v1/admin/people/unmapped"},
      {"GET", "/v1/admin/audit"},
      {"GET", "/scim/v2/Users"},
      {"GET", "/v1/admin/export/focus"}};
  for (const auto& [method, path] : endpoints) {
    INFO(method << " " << path);
    CHECK(match(method, path).kind == RouteMatch::Kind::kFound);
  }
  CHECK(collector_router().routes().size() == endpoints.size());
  for (const Route& r : collector_router().routes()) {
    INFO(r.method << " " << r.path);
    CHECK_FALSE(r.summary.empty());
  }
}

TEST_CASE("the help table lists every route with its method, path, caller and summary",
          "[collector][server][routes][help]") {
  std::vector<std::string> lines;
  std::istringstream table(render_routes(collector_router().routes()));
  for (std::string line; std::getline(table, line);)
    lines.push_back(line);
  CHECK(lines.size() == collector_router().routes().size());
  for (const Route& r : collector_router().routes()) {
    INFO(r.method << " " << r.path);
    const std::string path = std::string(r.path) + (r.prefix ? "*" : "");
    CHECK(std::any_of(lines.begin(), lines.end(), [&](const std::string& line) {
      return line.rfind("  " + std::string(r.method) + " ", 0) == 0 &&
             line.find(" " + path + " ") != std::string::npos &&
             line.find(std::string("  ") + access_name(r.access) + "  ") != std::string::npos &&
             line.ends_with(r.summary);
    }));
  }
}

TEST_CASE("an unknown path gets 404 and the connection closes", "[collector][server][routes]") {
  for (const char* target : {"/v2/batches", "/v1/batches/x", "/assets", "/index.html",
                             "/v1/reports?group_by=date", "/healthz/", "*"}) {
    INFO(target);
    auto m = match("GET", target);
    CHECK(m.kind == RouteMatch::Kind::kNotFound);
    CHECK(m.label == "other");
    const HttpReply r = refusal(m);
    CHECK(r.status == 404);
    CHECK(r.close);
    CHECK(error_of(r).rfind("no such endpoint; the collector serves the dashboard at /, ", 0) == 0);
  }
}

TEST_CASE("a known path with another method gets 405 naming the method to use",
          "[collector][server][routes]") {
  const std::vector<std::tuple<std::string, std::string, std::string>> cases = {
      {"GET", "/v1/batches", "use POST for /v1/batches"},
      {"PUT", "/v1/batches", "use POST for /v1/batches"},
      {"GET", "/v1/webhooks/jira?secret=x", "use POST for /v1/webhooks/jira"},
      {"GET", "/v1/webhooks/github", "use POST for /v1/webhooks/github"},
      {"DELETE", "/v1/webhooks/bitbucket", "use POST for /v1/webhooks/bitbucket"},
      {"POST", "/v1/report", "use GET for /v1/report"},
      {"HEAD", "/v1/health", "use GET for /v1/health"},
      {"POST", "/healthz", "use GET for /healthz"},
      {"POST", "/metrics", "use GET for /metrics"},
      {"POST", "/", "use GET for /"},
      {"DELETE", "/assets/index.js", "use GET for /assets"},
      {"POST", "/v1/prices", "use GET for /v1/prices"},
      {"GET", "/v1/admin/prices/book", "use POST for /v1/admin/prices/book"},
      {"GET", "/v1/admin/prices/overrides/3", "use DELETE for /v1/admin/prices/overrides"}};
  for (const auto& [method, target, message] : cases) {
    INFO(method << " " << target);
    auto m = match(method, target);
    CHECK(m.kind == RouteMatch::Kind::kWrongMethod);
    const HttpReply r = refusal(m);
    CHECK(r.status == 405);
    CHECK(r.close);
    CHECK(error_of(r) == message);
  }
}

TEST_CASE("/v1/whoami takes any method, and /v1/session answers other methods itself",
          "[collector][server][routes][session]") {
  for (const char* method : {"GET", "POST", "PUT"}) {
    auto m = match(method, "/v1/whoami");
    REQUIRE(m.kind == RouteMatch::Kind::kFound);
    CHECK(m.route->handler == Handler::kWhoami);
  }
  for (const char* method : {"POST", "GET", "DELETE", "PUT", "PATCH"}) {
    auto m = match(method, "/v1/session");
    REQUIRE(m.kind == RouteMatch::Kind::kFound);
    CHECK(m.route->handler == Handler::kSession);
  }
  test::TempDir dir;
  auto store = open_sqlite_store(dir / "collector.db");
  REQUIRE(store);
  SessionStore sessions;
  ViewerAccess viewers(**store, sessions, [] { return int64_t{0}; });
  const RouteRequest put{"PUT", "/v1/session", [](std::string_view) { return std::string_view(); },
                         ""};
  const RouteReply r = session(viewers, put);
  CHECK(r.http.status == 405);
  CHECK_FALSE(r.http.close);
  CHECK(error_of(r.http) == "use POST (log in), GET or DELETE (log out) for /v1/session");
}

TEST_CASE("each route reads a body up to its limit, a batch reads its own",
          "[collector][server][routes]") {
  CHECK(body_limit(match("POST", "/v1/batches")) == 0);
  CHECK(body_limit(match("GET", "/v1/batches")) == 0);
  CHECK(body_limit(match("POST", "/v1/webhooks/jira")) == kWebhookBodyLimit);
  CHECK(body_limit(match("GET", "/v1/webhooks/github")) == kWebhookBodyLimit);
  CHECK(body_limit(match("POST", "/v1/session")) == kSmallBodyLimit);
  CHECK(body_limit(match("GET", "/assets/x.js")) == kSmallBodyLimit);
  CHECK(body_limit(match("POST", "/no/such/path")) == kSmallBodyLimit);
  CHECK(body_limit(match("POST", "/v1/admin/prices/book")) == kPriceBookBodyLimit);
  CHECK(body_limit(match("POST", "/v1/admin/prices/overrides")) == kSmallBodyLimit);

  const HttpReply small = body_too_large("other", kSmallBodyLimit);
  CHECK(small.status == 413);
  CHECK(small.close);
  CHECK(error_of(small) == "other takes no request body");
  const HttpReply hook = body_too_large("/v1/webhooks/jira", kWebhookBodyLimit);
  CHECK(hook.status == 413);
  CHECK(error_of(hook) == "the body is over the limit of 1048576 bytes");
}
