// What an operator alerts on, against a running collector: every alert
// expression of docs/OPERATIONS.md evaluated on the real /metrics, the
// unpriced-usage metrics, and the log line of a rejected token.
#include <catch2/catch.hpp>
#include <set>
#include <sstream>

#include "common/pricing/record_pricing.hpp"
#include "tests/support/collector_fixture.hpp"
#include "tests/support/price_fixtures.hpp"
#include "tests/support/promql_subset.hpp"
#include "tests/support/tls_peer.hpp"

using namespace codepulse;
using namespace codepulse::test;

namespace {

// The expressions of the alert table in docs/OPERATIONS.md ("Metrics to
// alert on"): the second cell of each row, in backquotes.
std::vector<std::string> documented_alerts() {
  const std::string doc = read_file(source_dir() + "/docs/OPERATIONS.md");
  const auto start = doc.find("## Metrics to alert on");
  REQUIRE(start != std::string::npos);
  const std::string section = doc.substr(start, doc.find("\n## ", start + 1) - start);
  std::vector<std::string> out;
  std::istringstream in(section);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("| ", 0) != 0) continue;
    const auto a = line.find(" | `");
    if (a == std::string::npos) continue;
    const auto b = line.find("` |", a);
    REQUIRE(b != std::string::npos);
    out.push_back(line.substr(a + 4, b - a - 4));
  }
  return out;
}

// /metrics as Prometheus scrapes it (with the `up` it adds itself).
MetricScrape scrape(const CollectorFixture& c) {
  const auto r = https_call(c.port(), c.ca(), "GET", "/metrics");
  REQUIRE(r.status == 200);
  MetricScrape s = parse_metrics_text(r.body);
  s.types["up"] = "gauge";
  s.samples.push_back({"up", {{"job", "codepulse-collector"}}, 1});
  return s;
}

double sample(const MetricScrape& s, const std::string& name) {
  for (const MetricSample& m : s.samples)
    if (m.name == name) return m.value;
  return -1;
}

int post_batch(const CollectorFixture& c, const std::string& token, const std::string& body) {
  return https_call(c.port(), c.ca(), "POST", "/v1/batches",
                    {"Authorization: Bearer " + token, "Content-Encoding: zstd"}, body)
      .status;
}

}  // namespace

TEST_CASE("documented alerts match the collector's real /metrics", "[operations][metrics]") {
  TempDir dir;
  CollectorFixture c(dir.path());
  const std::string token = c.token_of(c.token_file("dev@example.org"));
  c.start();
  // Some traffic: a stored batch and a refused token.
  REQUIRE(post_batch(c, token, batch_body("b1", pricing_records(4))) == 200);
  REQUIRE(post_batch(c, "cpt_wrong-token-for-the-test-0123456789abcdefghijk",
                     batch_body("b2", pricing_records(1, "x"))) == 401);
  REQUIRE(eventually(kPatienceMs,
                     [&] { return sample(scrape(c), "codepulse_report_cube_ready") == 1; }));
  const MetricScrape metrics = scrape(c);

  const auto alerts = documented_alerts();
  CHECK(alerts.size() >= 12);
  for (const std::string& alert : alerts) {
    INFO(alert);
    const AlertEvaluation e = evaluate_alert(alert, metrics);
    CHECK(e.error.empty());
    INFO(e.error);
    // A healthy collector with priced records: no instant alert fires.
    if (e.instant && alert.find("unpriced") == std::string::npos) CHECK_FALSE(e.fires);
  }
  // The check can fail: the alert this table had before matched nothing.
  const AlertEvaluation old =
      evaluate_alert("rate(codepulse_http_requests_total{code=\"5xx\"}[5m]) > 0", metrics);
  CHECK(old.error.find("matches no series") != std::string::npos);
  CHECK(evaluate_alert("codepulse_no_such_metric > 0", metrics).error.find("no metric") !=
        std::string::npos);
  CHECK(evaluate_alert("rate(codepulse_store_bytes[5m])", metrics).error.find("not a counter") !=
        std::string::npos);
  CHECK(evaluate_alert("codepulse_http_requests_total{code=~\"4..\"}", metrics).error.empty());
  c.stop();
}

TEST_CASE("unpriced records and their models are metrics, and their alert fires",
          "[operations][metrics][prices]") {
  TempDir dir;
  CollectorFixture c(dir.path());
  const std::string token = c.token_of(c.token_file("dev@example.org"));
  c.start();
  const auto records = pricing_records(20);
  std::set<std::string> models;
  int64_t unpriced = 0;
  for (const auto& w : records)
    if (!Pricer::builtin()->price(to_price(w.usage)).list_nanos) {
      ++unpriced;
      models.insert(w.usage.model);
    }
  REQUIRE(unpriced > 0);
  REQUIRE(post_batch(c, token, batch_body("b1", records)) == 200);
  MetricScrape metrics;
  CHECK(eventually(kPatienceMs, [&] {
    metrics = scrape(c);
    return sample(metrics, "codepulse_unpriced_records") == static_cast<double>(unpriced);
  }));
  CHECK(sample(metrics, "codepulse_unpriced_models") == static_cast<double>(models.size()));
  const AlertEvaluation e = evaluate_alert("codepulse_unpriced_records > 0", metrics);
  CHECK(e.error.empty());
  CHECK(e.fires);
  c.stop();
}

TEST_CASE("a rejected token is logged with its first characters and the address, never whole",
          "[operations][auth][log]") {
  TempDir dir;
  CollectorFixture c(dir.path());
  c.token_file("dev@example.org");
  c.start();
  const std::string wrong = "cpt_Wr0ngTokenForTheTest-abcdefghijklmnopqrstuvwxyz0";
  REQUIRE(post_batch(c, wrong, batch_body("b1", pricing_records(1))) == 401);
  CHECK(eventually(kPatienceMs, [&] {
    return c.process().err().find("rejected a token beginning cpt_Wr0n... from 127.0.0.1") !=
           std::string::npos;
  }));
  INFO(c.process().err());
  CHECK(c.process().err().find("cpt_Wr0ng") == std::string::npos);
  CHECK(c.process().err().find(wrong.substr(8)) == std::string::npos);
  c.stop();
}
