// `codepulse-collector export focus` on a SQLite file: the FOCUS 1.2
// mandatory columns by their exact names, every value of its type and
// allowed values, the totals equal to the statement's to the nano-dollar, the
// seats as purchases (an idle one included), hostile repository and branch
// names escaped, an empty month and a bad one.
#include "collector/report/focus_export.hpp"

#include <simdjson.h>

#include <catch2/catch.hpp>
#include <map>
#include <regex>
#include <set>

#include "collector/report/statement.hpp"
#include "collector/store/store.hpp"
#include "tests/support/collector_fixture.hpp"
#include "tests/support/csv_cells.hpp"
#include "tests/support/price_fixtures.hpp"
#include "tests/support/seat_fixtures.hpp"
#include "tests/support/tls_peer.hpp"

using namespace codepulse;
using namespace codepulse::collector;
using namespace codepulse::test;

namespace {

// FOCUS 1.2's Mandatory columns (https://focus.finops.org/focus-specification/v1-2).
const std::vector<std::string> kMandatory = {
    "BilledCost",        "BillingAccountId",   "BillingAccountName", "BillingCurrency",
    "BillingPeriodEnd",  "BillingPeriodStart", "ChargeCategory",     "ChargeClass",
    "ChargeDescription", "ChargePeriodEnd",    "ChargePeriodStart",  "ContractedCost",
    "EffectiveCost",     "InvoiceIssuerName",  "ListCost",           "PricingQuantity",
    "PricingUnit",       "ProviderName",       "PublisherName",      "ServiceCategory",
    "ServiceName"};
// Mandatory and never null.
const std::vector<std::string> kNotNull = {
    "BilledCost",         "BillingAccountId", "BillingCurrency",   "BillingPeriodEnd",
    "BillingPeriodStart", "ChargeCategory",   "ChargePeriodEnd",   "ChargePeriodStart",
    "ContractedCost",     "EffectiveCost",    "InvoiceIssuerName", "ListCost",
    "ProviderName",       "PublisherName",    "ServiceCategory",   "ServiceName"};
const std::vector<std::string> kDecimals = {"BilledCost", "ContractedCost",  "EffectiveCost",
                                            "ListCost",   "PricingQuantity", "ConsumedQuantity"};
const std::vector<std::string> kDateTimes = {"BillingPeriodStart", "BillingPeriodEnd",
                                             "ChargePeriodStart", "ChargePeriodEnd"};

// The FOCUS Numeric Format as this export writes it: no sign but "-", no
// exponent, no trailing zeros.
const std::regex kDecimal(R"(-?(0|[1-9][0-9]*)(\.[0-9]*[1-9])?)");
const std::regex kDateTime(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z)");

// A decimal number of dollars as nano-dollars, exactly.
int64_t nanos_of(const std::string& decimal) {
  const bool neg = decimal[0] == '-';
  const std::string digits = decimal.substr(neg ? 1 : 0);
  const auto dot = digits.find('.');
  std::string frac = dot == std::string::npos ? "" : digits.substr(dot + 1);
  frac.resize(9, '0');
  const int64_t v = std::stoll(digits.substr(0, dot)) * 1'000'000'000 + std::stoll(frac);
  return neg ? -v : v;
}

struct Table {
  std::vector<std::string> header;
  std::vector<std::map<std::string, std::string>> rows;
};

Table read_focus(const std::string& csv) {
  Table t;
  auto cells = parse_csv(csv);
  REQUIRE(!cells.empty());
  t.header = cells[0];
  for (size_t i = 1; i < cells.size(); ++i) {
    REQUIRE(cells[i].size() == t.header.size());
    std::map<std::string, std::string> row;
    for (size_t c = 0; c < t.header.size(); ++c)
      row[t.header[c]] = cells[i][c];
    t.rows.push_back(std::move(row));
  }
  return t;
}

// The Tags cell as string keys and values (true for a valueless tag).
std::map<std::string, std::string> tags_of(const std::string& cell) {
  simdjson::dom::parser p;
  simdjson::dom::element doc;
  REQUIRE(!p.parse(cell).get(doc));
  simdjson::dom::object object;
  REQUIRE(!doc.get(object));
  std::map<std::string, std::string> out;
  for (auto [key, value] : object) {
    std::string_view text;
    bool flag = false;
    if (!value.get(text))
      out[std::string(key)] = std::string(text);
    else
      REQUIRE((!value.get(flag) && flag));
    if (flag) out[std::string(key)] = "true";
  }
  return out;
}

}  // namespace

TEST_CASE("export focus: a month in FOCUS 1.2 columns, its totals the statement's",
          "[collector][seats][focus]") {
  TempDir dir;
  const std::string db = dir.path() + "/collector.db";
  const std::string hostile_repo = "=HYPERLINK(\"http://evil.example\")";
  // Control characters are refused at the door (docs/SECURITY.md); a formula,
  // quotes, commas and a bidirectional override are not.
  const std::string hostile_branch = "@SUM(A1:A9),\"forged\" bidi \xe2\x80\xae";
  {
    auto opened = open_store(db);
    REQUIRE(opened);
    Store& store = **opened;
    // alice (a $200 seat): 3M input in api on PROJ-1's branch on the 5th
    // ($15 at list), 1M in web on the 25th ($5). carol (no seat): 2M in web
    // on the 10th ($10) and a model without a price. erin (no seat): 1M in a
    // hostile repository and branch. dave: a $19 Copilot seat, no usage; bob:
    // a $30 seat from the 16th (15 of 30 days: $15), no usage.
    auto a1 = input_record("a1", 1'793'872'800'000, 3'000'000, "api");
    a1.usage.branch = "feature/PROJ-1-login";
    a1.usage.task_keys = "PROJ-1";
    auto e1 = input_record("e1", 1'794'304'800'000, 1'000'000, hostile_repo);
    e1.usage.branch = hostile_branch;
    REQUIRE(store.ingest(
        "alice@acme.example",
        decoded_batch("b1", {a1, input_record("a2", 1'795'600'800'000, 1'000'000, "web")})));
    REQUIRE(store.ingest(
        "carol@acme.example",
        decoded_batch("b2", {input_record("c1", 1'794'304'800'000, 2'000'000, "web"),
                             input_record("c2", 1'794'304'900'000, 500, "web", kGatewayModel)})));
    REQUIRE(store.ingest("erin@acme.example", decoded_batch("b3", {e1})));
    REQUIRE(store.upsert_tasks({{"PROJ-1", "PROJ-100", "Story", "In Progress", 1, false}}));
    REQUIRE(store.add_seat(
        seat_row("claude-max-20x", "claude-code", "alice@acme.example", 200, "2026-10-01")));
    REQUIRE(store.add_seat(
        seat_row("copilot-business", "copilot", "dave@acme.example", 19, "2026-10-01")));
    REQUIRE(store.add_seat(
        seat_row("claude-pro", "claude-code", "bob@acme.example", 30, "2026-11-16")));
  }
  const CommandResult out =
      run({collector_bin(), "export", "focus", "--month", "2026-11", "--db", db});
  REQUIRE(out.exit_code == 0);
  INFO(out.out);
  const Table t = read_focus(out.out);

  // The header: every column this export writes, the mandatory ones among them.
  std::vector<std::string> expected(focus_columns().begin(), focus_columns().end());
  CHECK(t.header == expected);
  for (const std::string& column : kMandatory) {
    INFO(column);
    CHECK(std::count(t.header.begin(), t.header.end(), column) == 1);
  }
  // One line per row: nothing in a cell breaks a line, no terminal escape.
  CHECK(static_cast<size_t>(std::count(out.out.begin(), out.out.end(), '\n')) == t.rows.size() + 1);
  CHECK(out.out.find('\x1b') == std::string::npos);
  CHECK(out.out.find("\xe2\x80\xae") == std::string::npos);
  CHECK(out.out.find("\r") == std::string::npos);

  int64_t usage_effective = 0, usage_list = 0, usage_org = 0, all_effective = 0, all_billed = 0,
          purchases_billed = 0;
  bool saw_hostile = false, saw_task = false;
  for (const auto& row : t.rows) {
    INFO(row.at("ChargeDescription"));
    for (const std::string& c : kNotNull)
      CHECK(!row.at(c).empty());
    for (const std::string& c : kDecimals)
      if (!row.at(c).empty()) CHECK(std::regex_match(row.at(c), kDecimal));
    for (const std::string& c : kDateTimes)
      CHECK(std::regex_match(row.at(c), kDateTime));
    CHECK(row.at("BillingPeriodStart") == "2026-11-01T00:00:00Z");
    CHECK(row.at("BillingPeriodEnd") == "2026-12-01T00:00:00Z");
    CHECK(row.at("ChargePeriodStart") < row.at("ChargePeriodEnd"));
    CHECK(row.at("ChargePeriodStart") >= row.at("BillingPeriodStart"));
    CHECK(row.at("ChargePeriodEnd") <= row.at("BillingPeriodEnd"));
    CHECK(row.at("BillingCurrency") == "USD");
    CHECK(row.at("ChargeClass").empty());
    CHECK(row.at("ServiceCategory") == "AI and Machine Learning");
    CHECK(row.at("ServiceSubcategory") == "Generative AI");
    CHECK(row.at("InvoiceIssuerName") == row.at("ProviderName"));
    CHECK(!row.at("SkuId").empty());
    CHECK(row.at("SkuPriceId") == row.at("SkuId"));
    CHECK(std::set<std::string>{"Standard", "Other"}.count(row.at("PricingCategory")) == 1);
    // Every text cell is inert in a spreadsheet.
    for (const auto& [column, cell] : row) {
      const bool number = std::find(kDecimals.begin(), kDecimals.end(), column) != kDecimals.end();
      if (!number && !cell.empty())
        CHECK(std::string("=+-@\t\r").find(cell[0]) == std::string::npos);
    }
    const auto tags = tags_of(row.at("Tags"));
    const int64_t effective = nanos_of(row.at("EffectiveCost"));
    const int64_t billed = nanos_of(row.at("BilledCost"));
    all_effective += effective;
    all_billed += billed;
    if (row.at("ChargeCategory") == "Usage") {
      CHECK(row.at("ChargeFrequency") == "Usage-Based");
      CHECK(row.at("ConsumedUnit") == "Tokens");
      CHECK(row.at("PricingUnit") == "Tokens");
      CHECK(row.at("ConsumedQuantity") == row.at("PricingQuantity"));
      CHECK(std::regex_match(row.at("ConsumedQuantity"), std::regex("[0-9]+")));
      CHECK(tags.count("assistant") == 1);
      usage_effective += effective;
      usage_list += nanos_of(row.at("ListCost"));
      usage_org += nanos_of(row.at("ContractedCost"));
      if (tags.count("repo") && tags.at("repo").find("HYPERLINK") != std::string::npos) {
        saw_hostile = true;
        // The repository as JSON keeps it (the cell is never read as a formula).
        CHECK(tags.at("repo") == hostile_repo);
        CHECK(tags.at("branch").find("forged") != std::string::npos);
      }
      if (row.at("SkuId") == kGatewayModel) {
        // No price: no cost known, said so, never a cost made up.
        CHECK(row.at("x_UnpricedRecords") == "1");
        CHECK(row.at("ListCost") == "0");
        CHECK(row.at("ConsumedQuantity") == "500");
        CHECK(row.at("ChargeDescription").find("1 record without a price (cost unknown)") !=
              std::string::npos);
      }
      if (tags.count("task")) {
        saw_task = true;
        CHECK(tags.at("task") == "PROJ-1");
        CHECK(tags.at("epic") == "PROJ-100");
        CHECK(tags.at("team") == "alice@acme.example");
        CHECK(row.at("ChargePeriodStart") == "2026-11-05T00:00:00Z");
        CHECK(row.at("ChargePeriodEnd") == "2026-11-06T00:00:00Z");
        // Covered by alice's seat: not billed, $150 of it (3/4 of her list cost).
        CHECK(row.at("BilledCost") == "0");
        CHECK(row.at("ListCost") == "15");
        CHECK(row.at("EffectiveCost") == "150");
        CHECK(row.at("PricingCategory") == "Other");
        CHECK(row.at("ProviderName") == "Anthropic");
        CHECK(row.at("ServiceName") == "Claude Code");
        CHECK(row.at("ConsumedQuantity") == "3000000");
      }
    } else {
      REQUIRE(row.at("ChargeCategory") == "Purchase");
      CHECK(row.at("ChargeFrequency") == "Recurring");
      CHECK(row.at("ConsumedQuantity").empty());
      CHECK(row.at("ConsumedUnit").empty());
      CHECK(row.at("PricingUnit") == "Seat-Days");
      purchases_billed += billed;
      if (tags.at("team") == "alice@acme.example") {
        CHECK(row.at("BilledCost") == "200");
        CHECK(row.at("EffectiveCost") == "0");  // in her usage rows
      } else if (tags.at("team") == "bob@acme.example") {
        CHECK(row.at("BilledCost") == "15");
        CHECK(row.at("PricingQuantity") == "15");
        CHECK(row.at("ChargePeriodStart") == "2026-11-16T00:00:00Z");
        CHECK(row.at("ChargePeriodEnd") == "2026-12-01T00:00:00Z");
        CHECK(tags.count("idle_seat") == 1);
        CHECK(row.at("EffectiveCost") == "15");
      } else {
        CHECK(tags.at("team") == "dave@acme.example");
        CHECK(row.at("ProviderName") == "GitHub");
        CHECK(row.at("EffectiveCost") == "19");
      }
    }
  }
  CHECK(saw_hostile);
  CHECK(saw_task);

  // The statement of the same month, to the nano-dollar.
  auto opened = open_store(db);
  REQUIRE(opened);
  auto s = statement_month(**opened, "2026-11");
  REQUIRE(s);
  CHECK(usage_effective == *s->total.effective_nanos);
  CHECK(usage_list == *s->total.list_nanos);
  CHECK(usage_org == *s->total.org_nanos);
  CHECK(purchases_billed == s->seat_nanos);
  CHECK(all_effective == *s->total.effective_nanos + s->idle_nanos);
  CHECK(all_billed == all_effective);
  // $200 + $19 + $15 of seats, carol's $10 and erin's $5 API-billed.
  CHECK(all_billed == 249 * kDollarNanos);

  // --output writes the same CSV to a file.
  const std::string file = dir.path() + "/focus.csv";
  const CommandResult to_file =
      run({collector_bin(), "export", "focus", "--month", "2026-11", "--db", db, "--output", file});
  REQUIRE(to_file.exit_code == 0);
  CHECK(to_file.out.empty());
  CHECK(read_file(file) == out.out);
}

TEST_CASE("export focus: an empty month is the header alone, a bad month an error",
          "[collector][focus]") {
  TempDir dir;
  const std::string db = dir.path() + "/collector.db";
  {
    auto opened = open_store(db);
    REQUIRE(opened);
    REQUIRE((*opened)->ingest(
        "alice@acme.example",
        decoded_batch("b1", {input_record("a1", 1'793'872'800'000, 1'000, "api")})));
  }
  const CommandResult empty =
      run({collector_bin(), "export", "focus", "--month", "2026-09", "--db", db});
  REQUIRE(empty.exit_code == 0);
  std::string header;
  for (std::string_view c : focus_columns())
    header += (header.empty() ? "" : ",") + std::string(c);
  CHECK(empty.out == header + "\n");

  const CommandResult bad =
      run({collector_bin(), "export", "focus", "--month", "2026-13", "--db", db});
  CHECK(bad.exit_code == 2);
  CHECK(bad.err == "codepulse-collector: --month '2026-13': expected YYYY-MM, e.g. 2026-11\n");
  CHECK(bad.out.empty());
  const CommandResult missing = run({collector_bin(), "export", "focus", "--db", db});
  CHECK(missing.exit_code == 2);
  CHECK(missing.err.find("--month YYYY-MM is required") != std::string::npos);
  const CommandResult unknown = run({collector_bin(), "export", "cur", "--month", "2026-11"});
  CHECK(unknown.exit_code == 2);
  CHECK(unknown.err.find("unknown export 'cur'") != std::string::npos);
  // In-process too: the same error, nothing exported.
  auto opened = open_store(db);
  REQUIRE(opened);
  auto e = focus_month(**opened, "2026-13");
  REQUIRE(!e);
  CHECK(e.error().message == "month '2026-13': expected YYYY-MM, e.g. 2026-11");
}

TEST_CASE("GET /v1/admin/export/focus answers the CLI's CSV to admins only",
          "[collector][focus][server]") {
  TempDir dir;
  CollectorFixture c(dir.path() + "/collector");
  {
    auto opened = open_store(c.db());
    REQUIRE(opened);
    REQUIRE((*opened)->ingest(
        "alice@acme.example",
        decoded_batch("b1", {input_record("a1", 1'793'872'800'000, 1'000'000, "api")})));
    REQUIRE((*opened)->add_seat(
        seat_row("claude-max-20x", "claude-code", "alice@acme.example", 200, "2026-10-01")));
  }
  const std::string admin = c.token_of(c.token_file("admin@acme.example", "admin"));
  const std::string viewer = c.token_of(c.token_file("lead@acme.example", "viewer"));
  c.start();
  auto get = [&](const std::string& token, const std::string& target) {
    return https_call(c.port(), c.ca(), "GET", target, {"Authorization: Bearer " + token});
  };
  const auto csv = get(admin, "/v1/admin/export/focus?month=2026-11");
  REQUIRE(csv.status == 200);
  CHECK(csv.has("text/csv; charset=utf-8"));
  CHECK(csv.has("filename=\"focus-2026-11.csv\""));
  CHECK(csv.has("no-store"));
  const CommandResult cli =
      run({collector_bin(), "export", "focus", "--month", "2026-11", "--db", c.db()});
  REQUIRE(cli.exit_code == 0);
  CHECK(csv.body == cli.out);
  CHECK(read_focus(csv.body).rows.size() == 2);  // alice's usage and her seat

  const auto denied = get(viewer, "/v1/admin/export/focus?month=2026-11");
  CHECK(denied.status == 403);
  CHECK(denied.body.find("the FOCUS export needs an admin token; this is a viewer token") !=
        std::string::npos);
  const auto bad = get(admin, "/v1/admin/export/focus?month=2026-13");
  CHECK(bad.status == 400);
  CHECK(bad.body.find("month '2026-13': expected YYYY-MM, e.g. 2026-11") != std::string::npos);
  const auto missing = get(admin, "/v1/admin/export/focus");
  CHECK(missing.status == 400);
  CHECK(missing.body.find("month: required") != std::string::npos);
  c.stop();

  // The export has its own bound (the month's report is 8 levels deep):
  // report_max_nodes does not cut it, export_max_nodes does.
  c.start({"--report-max-nodes", "1"});
  CHECK(get(admin, "/v1/admin/export/focus?month=2026-11").body == cli.out);
  c.stop();
  c.start({"--export-max-nodes", "3"});
  const auto big = get(admin, "/v1/admin/export/focus?month=2026-11");
  CHECK(big.status == 422);
  CHECK(big.body.find("more nodes than this collector's export_max_nodes (3)") !=
        std::string::npos);
  c.stop();
}
