// The collector's prices over HTTPS, on a real server process: GET /v1/prices
// with its ETag and 304; the admin API for admin tokens and sessions only;
// and re-pricing: a book import or an override re-prices the live report cube
// from the stored tokens, without re-ingesting, to exactly what a Pricer
// computes from the records (on SQLite and PostgreSQL, and across collectors
// sharing one PostgreSQL database).
#include <simdjson.h>

#include <catch2/catch.hpp>

#include "common/pricing/usd.hpp"
#include "tests/support/collector_fixture.hpp"
#include "tests/support/price_fixtures.hpp"
#include "tests/support/store_targets.hpp"
#include "tests/support/tls_peer.hpp"

using namespace codepulse;
using namespace codepulse::test;

namespace {

using Response = HttpsResponse;

Response call(CollectorFixture& c, const std::string& method, const std::string& target,
              const std::vector<std::string>& headers = {}, const std::string& body = "") {
  return https_call(c.port(), c.ca(), method, target, headers, body);
}

std::string bearer(const std::string& token) {
  return "Authorization: Bearer " + token;
}

// The text of a top-level string field, or of a field of the report's totals.
std::string string_field(const std::string& json, const char* key) {
  simdjson::dom::parser p;
  simdjson::dom::element doc;
  std::string_view v;
  if (p.parse(json).get(doc) || doc[key].get_string().get(v)) return "";
  return std::string(v);
}
std::string totals_field(const std::string& json, const std::string& key) {
  const auto totals = json.find("\"totals\":{");
  if (totals == std::string::npos) return "";
  const auto at = json.find("\"" + key + "\":", totals);
  const auto end = json.find_first_of(",}", at);
  if (at == std::string::npos || at > json.find('}', totals)) return "";
  const size_t start = at + key.size() + 3;
  return json.substr(start, end - start);
}

// A started collector with admin, viewer and tracker tokens.
struct Server {
  CollectorFixture c;
  std::string admin, viewer, tracker;
  explicit Server(const std::string& dir, const std::string& db = "") : c(dir) {
    if (!db.empty()) c.use_db(db);
    admin = c.token_of(c.token_file("admin@acme.example", "admin"));
    viewer = c.token_of(c.token_file("lead@acme.example", "viewer"));
    tracker = c.token_of(c.token_file("dev@acme.example"));
    c.start();
  }
  std::string report() {
    const Response r = call(c, "GET", "/v1/report?group_by=model", {bearer(viewer)});
    REQUIRE(r.status == 200);
    return r.body;
  }
  // The report once reports answer with the prices `digest`.
  std::string report_priced_by(const std::string& digest) {
    std::string body;
    const bool done = eventually(kPatienceMs, [&] {
      body = report();
      return string_field(body, "pricing_digest") == digest;
    });
    INFO(body);
    REQUIRE(done);
    return body;
  }
  Response admin_call(const std::string& method, const std::string& target,
                      const std::string& body = "") {
    return call(c, method, target, {bearer(admin), "Content-Type: application/json"}, body);
  }
};

std::shared_ptr<const PriceBook> book_of(const std::string& json) {
  auto b = PriceBook::parse(json, "test");
  REQUIRE(b);
  return std::make_shared<const PriceBook>(std::move(b).value());
}

void ingest(Server& s, const std::vector<proto::WireRecord>& records, const std::string& id) {
  const Response r = call(s.c, "POST", "/v1/batches", {bearer(s.tracker), "Content-Encoding: zstd"},
                          batch_body(id, records));
  REQUIRE(r.status == 200);
}

// The report's totals against a recomputation with `pricer` from the records.
void check_totals(const std::string& report, const Pricer& pricer,
                  const std::vector<proto::WireRecord>& records) {
  const Recomputed want = recompute(pricer, records);
  INFO(report.substr(0, 600));
  CHECK(totals_field(report, "cost_usd") == format_usd(want.org_nanos));
  CHECK(totals_field(report, "unpriced_records") ==
        (want.unpriced ? std::to_string(want.unpriced) : ""));
  CHECK(totals_field(report, "records") == std::to_string(records.size()));
  // List cost beside the organisation's, where the report carries it.
  if (const std::string list = totals_field(report, "list_cost_usd"); !list.empty())
    CHECK(list == format_usd(want.list_nanos));
}

}  // namespace

TEST_CASE("GET /v1/prices answers the book in force with its digest as ETag, 304 when unchanged",
          "[collector][server][prices]") {
  TempDir dir;
  Server s(dir.path());
  const std::string etag = "ETag: \"" + PriceBook::builtin()->digest() + "\"";
  for (const std::string* token : {&s.tracker, &s.viewer, &s.admin}) {
    const Response r = call(s.c, "GET", "/v1/prices", {bearer(*token)});
    REQUIRE(r.status == 200);
    CHECK(r.has(etag));
    CHECK(r.has("Cache-Control: no-cache"));
    CHECK(r.body == PriceBook::builtin()->to_json());
  }
  CHECK(call(s.c, "GET", "/v1/prices").status == 401);
  CHECK(call(s.c, "GET", "/v1/prices", {bearer("cpt_not-a-token")}).status == 401);

  const std::string tag = etag.substr(6);
  const Response same =
      call(s.c, "GET", "/v1/prices", {bearer(s.tracker), "If-None-Match: " + tag});
  CHECK(same.status == 304);
  CHECK(same.body.empty());
  CHECK(same.has(etag));
  CHECK(
      call(s.c, "GET", "/v1/prices", {bearer(s.tracker), "If-None-Match: \"x\", " + tag}).status ==
      304);
  CHECK(call(s.c, "GET", "/v1/prices", {bearer(s.tracker), "If-None-Match: \"other\""}).status ==
        200);

  // A new book: a new ETag, and the old one gets the whole book.
  const std::string book = book_with("2026-12-20", {kGatewayFamily});
  const Response imported = s.admin_call("POST", "/v1/admin/prices/book?note=gateway", book);
  REQUIRE(imported.status == 200);
  const auto parsed = book_of(book);
  const Response changed =
      call(s.c, "GET", "/v1/prices", {bearer(s.tracker), "If-None-Match: " + tag});
  REQUIRE(changed.status == 200);
  CHECK(changed.has("ETag: \"" + parsed->digest() + "\""));
  CHECK(changed.body == parsed->to_json());
  CHECK(call(s.c, "GET", "/v1/prices",
             {bearer(s.tracker), "If-None-Match: \"" + parsed->digest() + "\""})
            .status == 304);
  s.c.stop();
}

TEST_CASE("only admin tokens and admin sessions reach the prices' admin API",
          "[collector][server][prices][auth]") {
  TempDir dir;
  Server s(dir.path());
  const std::vector<std::pair<std::string, std::string>> routes = {
      {"GET", "/v1/admin/prices"},
      {"GET", "/v1/admin/prices/history"},
      {"GET", "/v1/admin/prices/unpriced"},
      {"POST", "/v1/admin/prices/book"},
      {"POST", "/v1/admin/prices/overrides"},
      {"DELETE", "/v1/admin/prices/overrides/1"}};
  for (const auto& [method, path] : routes) {
    INFO(method << " " << path);
    CHECK(call(s.c, method, path).status == 401);
    CHECK(call(s.c, method, path, {bearer(s.viewer)}).status == 403);
    CHECK(call(s.c, method, path, {bearer(s.tracker)}).status == 403);
  }
  for (const char* path :
       {"/v1/admin/prices", "/v1/admin/prices/history", "/v1/admin/prices/unpriced"})
    CHECK(call(s.c, "GET", path, {bearer(s.admin)}).status == 200);
  CHECK(s.admin_call("DELETE", "/v1/admin/prices/overrides/1").status == 404);
  CHECK(s.admin_call("DELETE", "/v1/admin/prices/overrides/x").status == 404);
  CHECK(s.admin_call("GET", "/v1/admin/prices/overrides/1").status == 405);
  CHECK(s.admin_call("POST", "/v1/admin/prices/overrides", "{\"scope\":").status == 400);

  // Dashboard sessions: a viewer's is refused, an admin's changes need its CSRF header.
  auto login = [&](const std::string& token) {
    const Response in = call(s.c, "POST", "/v1/session", {"Content-Type: application/json"},
                             "{\"token\":\"" + token + "\"}");
    REQUIRE(in.status == 200);
    const auto at = in.head.find("__Host-codepulse_session=");
    REQUIRE(at != std::string::npos);
    const auto csrf = in.body.find("\"csrf\":\"");
    REQUIRE(csrf != std::string::npos);
    return std::make_pair("Cookie: " + in.head.substr(at, in.head.find(';', at) - at),
                          in.body.substr(csrf + 8, 64));
  };
  const auto [viewer_cookie, viewer_csrf] = login(s.viewer);
  CHECK(call(s.c, "GET", "/v1/admin/prices", {viewer_cookie}).status == 403);
  CHECK(call(s.c, "GET", "/v1/prices", {viewer_cookie}).status == 200);
  const auto [cookie, csrf] = login(s.admin);
  CHECK(call(s.c, "GET", "/v1/admin/prices", {cookie}).status == 200);
  const std::string body = R"({"scope":"all","percent":-5})";
  CHECK(call(s.c, "POST", "/v1/admin/prices/overrides", {cookie}, body).status == 403);
  CHECK(call(s.c, "POST", "/v1/admin/prices/overrides",
             {cookie, "X-Codepulse-CSRF: " + csrf, "Origin: https://evil.example.org"}, body)
            .status == 403);
  const Response added =
      call(s.c, "POST", "/v1/admin/prices/overrides", {cookie, "X-Codepulse-CSRF: " + csrf}, body);
  CHECK(added.status == 200);
  CHECK(added.body.find("\"added\":1") != std::string::npos);
  // Recorded as made by the token's author.
  const Response history = s.admin_call("GET", "/v1/admin/prices/history");
  CHECK(history.body.find("\"by\":\"admin@acme.example\"") != std::string::npos);
  s.c.stop();
}

TEST_CASE("a price change re-prices the live reports from the stored tokens",
          "[collector][server][prices]") {
  TempDir dir;
  CODEPULSE_STORE_TARGET(target, dir);
  Server s(dir / "collector", target.postgres() ? target.db : "");
  const auto records = pricing_records(120);
  ingest(s, records, "b1");
  REQUIRE(eventually(kPatienceMs, [&] {
    return totals_field(s.report(), "records") == std::to_string(records.size());
  }));

  // The builtin book prices neither the gateway model nor Sonnet 3.5 after
  // its retirement: they are counted unpriced, never as $0.
  std::string report = s.report_priced_by(Pricer::builtin()->fingerprint());
  check_totals(report, *Pricer::builtin(), records);
  CHECK(recompute(*Pricer::builtin(), records).unpriced == 40);
  const Response unpriced = s.admin_call("GET", "/v1/admin/prices/unpriced");
  REQUIRE(unpriced.status == 200);
  CHECK(unpriced.body.find("{\"model\":\"glm-4-6\",\"family\":null,\"why\":\"not in the "
                           "book\",\"requests\":20,") != std::string::npos);
  CHECK(unpriced.body.find("\"family\":\"claude-3-5-sonnet\"") != std::string::npos);

  // A book that prices the gateway model: its records are priced at once.
  const std::string book_json = book_with("2026-12-20", {kGatewayFamily});
  const Response imported = s.admin_call("POST", "/v1/admin/prices/book?note=gateway", book_json);
  REQUIRE(imported.status == 200);
  CHECK(imported.body.find("\"repricing\":true") != std::string::npos);
  const auto book = book_of(book_json);
  const Pricer with_book(book);
  CHECK(string_field(imported.body, "pricing_digest") == with_book.fingerprint());
  report = s.report_priced_by(with_book.fingerprint());
  CHECK(string_field(report, "pricing") == "2026-12-20");
  check_totals(report, with_book, records);
  CHECK(recompute(with_book, records).unpriced == 20);

  // An organisation discount changes the cost, not the list price.
  const std::string discount = R"({"scope":"family","match":"claude-opus-*","percent":-15})";
  const Response added = s.admin_call("POST", "/v1/admin/prices/overrides", discount);
  REQUIRE(added.status == 200);
  auto o = parse_rate_override(discount, "test");
  REQUIRE(o);
  o->id = 1;
  const Pricer discounted(book, {*o});
  report = s.report_priced_by(string_field(added.body, "pricing_digest"));
  check_totals(report, discounted, records);
  const Recomputed before = recompute(with_book, records), after = recompute(discounted, records);
  CHECK(after.org_nanos < before.org_nanos);
  CHECK(after.list_nanos == before.list_nanos);

  // `collector report --db` prices with the same prices.
  const std::string cli = s.c.report_json("model");
  CHECK(string_field(cli, "pricing_digest") == string_field(added.body, "pricing_digest"));
  CHECK(totals_field(cli, "cost_usd") == format_usd(after.org_nanos));

  // Removing the override re-prices back.
  const Response removed = s.admin_call("DELETE", "/v1/admin/prices/overrides/1");
  REQUIRE(removed.status == 200);
  CHECK(string_field(removed.body, "pricing_digest") == with_book.fingerprint());
  report = s.report_priced_by(with_book.fingerprint());
  check_totals(report, with_book, records);
  CHECK(s.admin_call("DELETE", "/v1/admin/prices/overrides/1").status == 409);

  // A bad book is refused with the entry named; the prices stay.
  const Response bad = s.admin_call("POST", "/v1/admin/prices/book",
                                    book_with("bad", {R"({"family":"x-1","periods":[]})"}));
  CHECK(bad.status == 400);
  CHECK(bad.body.find("the posted book: models[0]") != std::string::npos);
  const Response prices = s.admin_call("GET", "/v1/admin/prices");
  CHECK(string_field(prices.body, "revision") == "2026-12-20");
  CHECK(string_field(prices.body, "pricing_digest") == with_book.fingerprint());
  s.c.stop();
}

TEST_CASE("collectors sharing a PostgreSQL database re-price each other's reports",
          "[collector][server][prices][postgres]") {
  TempDir dir;
  const auto target = store_target("postgresql", dir);
  if (!target) CODEPULSE_SKIP(PgServer::why());
  Server one(dir / "one", target->db);
  CollectorFixture two(dir / "two");
  two.use_db(target->db);
  two.start();
  const auto records = pricing_records(60, "shared");
  ingest(one, records, "b1");

  const std::string discount = R"({"scope":"all","percent":-10})";
  const Response added = one.admin_call("POST", "/v1/admin/prices/overrides", discount);
  REQUIRE(added.status == 200);
  auto o = parse_rate_override(discount, "test");
  REQUIRE(o);
  const Pricer discounted(PriceBook::builtin(), {*o});
  const std::string digest = string_field(added.body, "pricing_digest");
  std::string report;
  REQUIRE(eventually(kPatienceMs, [&] {
    const Response r = call(two, "GET", "/v1/report?group_by=model", {bearer(one.viewer)});
    report = r.body;
    return string_field(report, "pricing_digest") == digest &&
           totals_field(report, "records") == std::to_string(records.size());
  }));
  check_totals(report, discounted, records);
  two.stop();
  one.c.stop();
}
