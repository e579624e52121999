// The dashboard's endpoints on a real collector over HTTPS: the embedded
// files with their security headers, login to a session cookie, the cookie
// as a credential for the read endpoints, CSRF and same-origin rules on
// state-changing requests, logout, and revocation ending sessions.
#include <catch2/catch.hpp>

#include "tests/support/collector_fixture.hpp"
#include "tests/support/tls_peer.hpp"

using namespace codepulse;
using namespace codepulse::test;

namespace {

using Response = HttpsResponse;

Response send(CollectorFixture& c, const std::string& method, const std::string& target,
              const std::vector<std::string>& headers = {}, const std::string& body = "") {
  return https_call(c.port(), c.ca(), method, target, headers, body);
}

Response login(CollectorFixture& c, const std::string& token,
               std::vector<std::string> headers = {"Content-Type: application/json"}) {
  return send(c, "POST", "/v1/session", headers, "{\"token\":\"" + token + "\"}");
}

// "__Host-codepulse_session=<id>" from a login's Set-Cookie.
std::string cookie_of(const Response& r) {
  const auto at = r.head.find("__Host-codepulse_session=");
  REQUIRE(at != std::string::npos);
  return r.head.substr(at, r.head.find(';', at) - at);
}

std::string csrf_of(const Response& r) {
  const auto at = r.body.find("\"csrf\":\"");
  REQUIRE(at != std::string::npos);
  return r.body.substr(at + 8, 64);
}

// A logged-in viewer: its "Cookie: ..." header and CSRF value.
struct LoggedIn {
  std::string cookie, csrf;
};

struct Dashboard {
  explicit Dashboard(const std::string& dir) : c(dir) {
    viewer = c.token_of(c.token_file("lead@example.org", "viewer"));  // id 1
    tracker = c.token_of(c.token_file("dev@example.org"));            // id 2
    c.start();
  }
  LoggedIn log_in() {
    const Response in = login(c, viewer);
    REQUIRE(in.status == 200);
    LoggedIn l{"Cookie: theme=dark; " + cookie_of(in), csrf_of(in)};
    REQUIRE(send(c, "GET", "/v1/whoami", {l.cookie}).status == 200);
    return l;
  }
  CollectorFixture c;
  std::string viewer, tracker;
};

}  // namespace

TEST_CASE("the dashboard page and its bundle are served with strict headers",
          "[dashboard][server]") {
  TempDir dir;
  Dashboard d(dir.path());
  const Response page = send(d.c, "GET", "/");
  REQUIRE(page.status == 200);
  CHECK(page.has("Content-Type: text/html; charset=utf-8"));
  CHECK(page.has("Content-Security-Policy: default-src 'self'"));
  CHECK(page.has("frame-ancestors 'none'"));
  CHECK(page.has("X-Content-Type-Options: nosniff"));
  CHECK(page.has("Cache-Control: no-cache"));
  CHECK(page.body.find("<div id=\"app\">") != std::string::npos);
  // No third-party origin anywhere in the page.
  CHECK(page.body.find("http://") == std::string::npos);
  CHECK(page.body.find("https://") == std::string::npos);

  // The bundle files index.html names: "/assets/app-<hash>.js" and ".css".
  std::vector<std::string> paths;
  for (size_t at = page.body.find("\"/assets/"); at != std::string::npos;
       at = page.body.find("\"/assets/", at + 1))
    paths.push_back(page.body.substr(at + 1, page.body.find('"', at + 1) - at - 1));
  REQUIRE(paths.size() == 2);
  for (const std::string& path : paths) {
    const std::string ext = path.substr(path.rfind('.'));
    const Response asset = send(d.c, "GET", path);
    CHECK(asset.status == 200);
    CHECK(asset.has(std::string("Content-Type: text/") + (ext == ".js" ? "javascript" : "css")));
    CHECK(asset.has("Cache-Control: public, max-age=31536000, immutable"));
    CHECK(asset.has("X-Content-Type-Options: nosniff"));
    CHECK(asset.body.size() > 1000);
  }
  CHECK(send(d.c, "GET", "/assets/nothing.js").status == 404);
  CHECK(send(d.c, "GET", "/assets/../index.html").status == 404);
  CHECK(send(d.c, "POST", "/").status == 405);
  d.c.stop();
}

TEST_CASE("only viewer and admin tokens log in, from the same origin, as JSON",
          "[dashboard][server][auth]") {
  TempDir dir;
  Dashboard d(dir.path());
  const Response ok = login(d.c, d.viewer);
  REQUIRE(ok.status == 200);
  CHECK(ok.has("Set-Cookie: __Host-codepulse_session="));
  CHECK(ok.has("; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=86400"));
  CHECK(ok.has("Cache-Control: no-store"));
  CHECK(ok.body.find("\"role\":\"viewer\"") != std::string::npos);
  CHECK(ok.body.find(d.viewer) == std::string::npos);  // the token is never echoed

  const Response tracker = login(d.c, d.tracker);
  CHECK(tracker.status == 403);
  CHECK(tracker.body.find("tracker token cannot open the dashboard") != std::string::npos);
  CHECK(!tracker.has("Set-Cookie"));
  CHECK(login(d.c, "cpt_not-a-real-token").status == 401);
  CHECK(login(d.c, d.viewer, {"Content-Type: text/plain"}).status == 415);
  CHECK(send(d.c, "POST", "/v1/session", {"Content-Type: application/json"}, "{\"tok").status ==
        400);
  const Response cross =
      login(d.c, d.viewer, {"Content-Type: application/json", "Origin: https://evil.example.org"});
  CHECK(cross.status == 403);
  CHECK(login(d.c, d.viewer, {"Content-Type: application/json", "Sec-Fetch-Site: cross-site"})
            .status == 403);
  // The request's Host does not decide the origin: the certificate's names with the port do.
  CHECK(login(d.c, d.viewer, {"Content-Type: application/json", "Origin: https://localhost"})
            .status == 403);
  CHECK(login(d.c, d.viewer,
              {"Content-Type: application/json",
               "Origin: https://localhost:" + std::to_string(d.c.port())})
            .status == 200);
  CHECK(login(d.c, d.viewer,
              {"Content-Type: application/json",
               "Origin: https://127.0.0.1:" + std::to_string(d.c.port())})
            .status == 200);
  d.c.stop();
}

TEST_CASE("the session cookie reads reports, whoami and health, logout needs the CSRF header",
          "[dashboard][server][auth]") {
  TempDir dir;
  Dashboard d(dir.path());
  const auto [cookie, csrf] = d.log_in();
  CHECK(send(d.c, "GET", "/v1/report?group_by=model", {cookie}).status == 200);
  const Response who = send(d.c, "GET", "/v1/whoami", {cookie});
  CHECK(who.status == 200);
  CHECK(who.body.find("lead@example.org") != std::string::npos);
  const Response health = send(d.c, "GET", "/v1/health", {cookie});
  CHECK(health.status == 200);
  CHECK(health.body.find("\"devices\":[]") != std::string::npos);
  CHECK(health.body.find("\"tracker_queue_backlog\":null") != std::string::npos);
  const Response again = send(d.c, "GET", "/v1/session", {cookie});
  CHECK(again.status == 200);
  CHECK(again.body.find(csrf) != std::string::npos);
  // Without a cookie or token: 401; a tracker token cannot read health.
  CHECK(send(d.c, "GET", "/v1/health").status == 401);
  CHECK(send(d.c, "GET", "/v1/health", {"Authorization: Bearer " + d.tracker}).status == 403);
  CHECK(send(d.c, "GET", "/v1/report?group_by=model", {"Cookie: __Host-codepulse_session=f00"})
            .status == 401);

  CHECK(send(d.c, "DELETE", "/v1/session", {cookie}).status == 403);
  CHECK(send(d.c, "DELETE", "/v1/session", {cookie, "X-Codepulse-CSRF: " + std::string(64, 'a')})
            .status == 403);
  CHECK(send(d.c, "DELETE", "/v1/session",
             {cookie, "X-Codepulse-CSRF: " + csrf, "Origin: https://evil.example.org"})
            .status == 403);
  const Response out = send(d.c, "DELETE", "/v1/session", {cookie, "X-Codepulse-CSRF: " + csrf});
  CHECK(out.status == 200);
  CHECK(out.has("Max-Age=0"));
  CHECK(send(d.c, "GET", "/v1/report?group_by=model", {cookie}).status == 401);
  d.c.stop();
}

TEST_CASE("revoking a token ends its dashboard sessions at their next request",
          "[dashboard][server][auth]") {
  TempDir dir;
  Dashboard d(dir.path());
  const std::string cookie = d.log_in().cookie;
  REQUIRE(run({collector_bin(), "token", "revoke", "--db", d.c.db(), "--id", "1"}).exit_code == 0);
  const Response after = send(d.c, "GET", "/v1/report?group_by=model", {cookie});
  CHECK(after.status == 401);
  CHECK(after.body.find("revoked") != std::string::npos);
  CHECK(send(d.c, "GET", "/v1/whoami", {cookie}).status == 401);
  d.c.stop();
}
