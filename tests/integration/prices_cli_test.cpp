// `codepulse-collector prices` end to end on a real database: list, show,
// history, unpriced, import (refusing bad books naming the entry) and
// override add/remove, in tables and JSON, with who and when; and `report
// --db` pricing with what is in force.
#include <pwd.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "collector/store/store.hpp"
#include "common/pricing/usd.hpp"
#include "tests/support/collector_fixture.hpp"
#include "tests/support/price_fixtures.hpp"
#include "tests/support/store_targets.hpp"

using namespace codepulse;
using namespace codepulse::test;

namespace {

CommandResult prices(const std::string& db, std::vector<std::string> args) {
  std::vector<std::string> argv = {collector_bin(), "prices"};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.push_back("--db");
  argv.push_back(db);
  return run(argv);
}

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// The line of a table that starts with `first` (its first column), or "".
std::string row_of(const std::string& table, const std::string& first) {
  size_t at = table.find("\n" + first + " ");
  if (at == std::string::npos) return "";
  ++at;
  return table.substr(at, table.find('\n', at) - at);
}

// The value text of `"key":` at its first place in `json`.
std::string json_value(const std::string& json, const std::string& key) {
  const auto at = json.find("\"" + key + "\":");
  if (at == std::string::npos) return "";
  const size_t start = at + key.size() + 3;
  return json.substr(start, json.find_first_of(",}", start) - start);
}

}  // namespace

TEST_CASE("codepulse-collector prices lists, shows, imports, overrides and keeps the history",
          "[collector][cli][prices]") {
  TempDir dir;
  CODEPULSE_STORE_TARGET(target, dir);
  const std::string& db = target.db;
  {
    auto store = collector::open_store(db);
    REQUIRE(store);
    REQUIRE((*store)->ingest("dev@acme.example", decoded_batch("b1", pricing_records(60))));
  }
  const auto records = pricing_records(60);

  // The builtin book, and the families at their current rates.
  auto list = prices(db, {"list"});
  REQUIRE(list.exit_code == 0);
  CHECK(has(list.out, "Price book " + PriceBook::builtin()->revision()));
  CHECK(has(list.out, "the builtin book; 0 override(s) active."));
  const std::string opus = row_of(list.out, "claude-opus-5-5");
  CHECK(has(opus, " current "));
  CHECK(has(opus, "4 / 20 / 5 / 8 / 0.2"));
  const std::string astra = row_of(list.out, "gpt-6-astra");
  CHECK(has(astra, " current "));
  CHECK(has(astra, "10 / 50 / 12.5 / 12.5 / 1"));
  CHECK(has(astra, "above 272000: 20 / 75 / 25 / 25 / 2"));
  auto json = prices(db, {"list", "--format", "json"});
  REQUIRE(json.exit_code == 0);
  CHECK(json_value(json.out, "imported") == "null");
  CHECK(json_value(json.out, "pricing_digest") == "\"" + Pricer::builtin()->fingerprint() + "\"");

  auto show = prices(db, {"show", "us.anthropic.claude-opus-4-6-v1"});
  REQUIRE(show.exit_code == 0);
  CHECK(has(show.out, "claude-opus-4-6 (anthropic)"));
  CHECK(has(show.out, "from the beginning until 2026-03-13T07:00:00Z"));
  CHECK(has(show.out, "above 200000 prompt tokens 10 / 37.5 / 12.5 / 20 / 1"));
  CHECK(has(show.out, "source: https://platform.claude.com/docs/en/about-claude/pricing"));
  CHECK(has(show.out, "Overrides that reach it: none"));
  auto unknown = prices(db, {"show", "glm-4-6"});
  CHECK(unknown.exit_code == 1);
  CHECK(has(unknown.err,
            "no family in book " + PriceBook::builtin()->revision() + " prices 'glm-4-6'"));

  // What the builtin book cannot price, and why.
  auto unpriced = prices(db, {"unpriced"});
  REQUIRE(unpriced.exit_code == 0);
  CHECK(has(unpriced.out, "glm-4-6                     -                  not in the book"));
  CHECK(has(unpriced.out,
            "claude-3-5-sonnet-20241022  claude-3-5-sonnet  no price at the "
            "records' times  10"));
  CHECK(has(unpriced.out, "no period in force at the record's time"));
  auto unpriced_json = prices(db, {"unpriced", "--since", "2026-02-16", "--format", "json"});
  REQUIRE(unpriced_json.exit_code == 0);
  CHECK(json_value(unpriced_json.out, "since") == "\"2026-02-16T00:00:00.000Z\"");

  // A bad book is refused naming the entry; nothing changes.
  write_file(dir / "bad.json",
             book_with("2026-12-30", {R"({"family":"glm-4-6","periods":[{"input":1}]})"}));
  auto bad = prices(db, {"import", dir / "bad.json"});
  CHECK(bad.exit_code == 1);
  CHECK(has(bad.err, dir / "bad.json: models[0] (glm-4-6).periods[0]: missing key 'output'"));
  CHECK(has(bad.err, "the book in force is unchanged"));
  CHECK(has(prices(db, {"history"}).out, "No price changes yet"));

  // A good one, with who and why.
  write_file(dir / "book.json", book_with("2026-12-20", {kGatewayFamily}));
  auto imported = prices(db, {"import", dir / "book.json", "--note", "gateway", "--by", "ann"});
  REQUIRE(imported.exit_code == 0);
  CHECK(has(imported.out, "Imported price book 2026-12-20"));
  CHECK(has(prices(db, {"list"}).out, "by ann (gateway); 0 override(s) active."));
  CHECK(has(prices(db, {"show", "glm-4-6"}).out, "glm-4-6 (zhipu), book 2026-12-20"));

  // Overrides: a discount on a family, absolute rates on an endpoint.
  auto add = prices(db, {"override", "add", "--family", "claude-opus-*", "--percent", "-15",
                         "--note", "committed use", "--by", "bob"});
  REQUIRE(add.exit_code == 0);
  CHECK(has(add.out, "Added price override 1: family claude-opus-*, -15% (committed use)."));
  auto rates = prices(db, {"override", "add", "--endpoint", "bedrock", "--rates",
                           "input=1,output=5,cache_write_5m=1.25,cache_write_1h=2,cache_read=0.1",
                           "--from", "2026-01-01", "--format", "json"});
  REQUIRE(rates.exit_code == 0);
  CHECK(json_value(rates.out, "added") == "2");
  const auto listed = prices(db, {"list"}).out;
  CHECK(has(listed, "2 override(s) active"));
  CHECK(has(listed, "anthropic: 4.25 / 21.25 / 5.3125 / 8.5 / 0.425 (override 1)"));
  CHECK(has(listed, "bedrock: 0.85 / 4.25 / 1.0625 / 1.7 / 0.085 (override 1 2)"));
  CHECK(has(prices(db, {"show", "claude-opus-5"}).out,
            "1: family claude-opus-*, -15% (committed use) (by bob"));

  // Wrong overrides: a usage error, or a refusal naming what is wrong.
  CHECK(
      prices(db, {"override", "add", "--all", "--percent", "5", "--rates", "input=1"}).exit_code ==
      2);
  CHECK(prices(db, {"override", "add", "--percent", "5"}).exit_code == 2);
  CHECK(prices(db, {"override", "add", "--all", "--percent", "1e3x"}).exit_code == 2);
  auto nomatch = prices(db, {"override", "add", "--family", "mistral-*", "--percent", "-5"});
  CHECK(nomatch.exit_code == 1);
  CHECK(has(nomatch.err, "the pattern 'mistral-*' matches no model family of book 2026-12-20"));
  auto partial = prices(db, {"override", "add", "--all", "--rates", "input=1,output=2"});
  CHECK(partial.exit_code == 1);
  CHECK(has(partial.err, "missing key 'cache_write_5m'"));

  // A book without a family an override names is refused, naming the override.
  write_file(dir / "no-glm.json", book_with("2026-12-21", {}));
  const std::string glm_override = json_value(
      prices(db, {"override", "add", "--family", "glm-*", "--percent", "-50", "--format", "json"})
          .out,
      "added");
  REQUIRE(glm_override == "3");
  auto refused = prices(db, {"import", dir / "no-glm.json"});
  CHECK(refused.exit_code == 1);
  CHECK(has(refused.err,
            "override 3: the pattern 'glm-*' matches no model family of book "
            "2026-12-21; remove the override first"));
  CHECK(has(prices(db, {"list"}).out, "Price book 2026-12-20"));

  // Removing, with who; the default is the OS user name.
  REQUIRE(prices(db, {"override", "remove", "3", "--by", "carol"}).exit_code == 0);
  auto twice = prices(db, {"override", "remove", "3"});
  CHECK(twice.exit_code == 1);
  CHECK(has(twice.err, "price override 3 was removed already"));
  CHECK(prices(db, {"override", "remove", "x"}).exit_code == 2);
  REQUIRE(prices(db, {"override", "remove", "2"}).exit_code == 0);
  const passwd* pw = ::getpwuid(::geteuid());
  REQUIRE(pw);
  auto history = prices(db, {"history"});
  REQUIRE(history.exit_code == 0);
  CHECK(has(history.out, "override removed  2   " + std::string(pw->pw_name)));
  CHECK(has(history.out, "override removed  3   carol"));
  CHECK(has(history.out, "override added    1   bob"));
  CHECK(has(history.out, "import            1   ann"));
  CHECK(has(history.out, "book 2026-12-20 (digest "));
  auto history_json = prices(db, {"history", "--format", "json"});
  CHECK(has(history_json.out, "{\"kind\":\"override removed\",\"id\":2,"));

  // report --db prices with the book and the override in force.
  const auto book = PriceBook::parse(read_file(dir / "book.json"), "book");
  REQUIRE(book);
  auto o = parse_rate_override(R"({"scope":"family","match":"claude-opus-*","percent":-15})", "o");
  REQUIRE(o);
  const Pricer in_force(std::make_shared<const PriceBook>(*book), {*o});
  auto report =
      run({collector_bin(), "report", "--db", db, "--group-by", "model", "--format", "json"});
  REQUIRE(report.exit_code == 0);
  CHECK(json_value(report.out, "pricing") == "\"2026-12-20\"");
  CHECK(json_value(report.out, "pricing_digest") ==
        json_value(prices(db, {"list", "--format", "json"}).out, "pricing_digest"));
  const auto totals = report.out.substr(report.out.find("\"totals\":"));
  CHECK(json_value(totals, "cost_usd") == format_usd(recompute(in_force, records).org_nanos));
  CHECK(json_value(totals, "unpriced_records") == "10");
}

TEST_CASE("codepulse-collector prices reads the database from the serve configuration",
          "[collector][cli][prices]") {
  TempDir dir;
  const std::string db = dir / "c.db";
  REQUIRE(run({collector_bin(), "token", "create", "--db", db, "--author", "a@b.c"}).exit_code ==
          0);
  write_file(dir / "collector.toml", "db = \"" + db + "\"\n");
  auto list = run({collector_bin(), "prices", "list", "--config", dir / "collector.toml"});
  CHECK(list.exit_code == 0);
  CHECK(has(list.out, "Price book"));
  auto none = run({collector_bin(), "prices", "list"});
  CHECK(none.exit_code == 1);
  CHECK(has(none.err, "--db PATH|URI (or --config FILE) is required"));
  CHECK(run({collector_bin(), "prices", "list", "--db", dir / "absent.db"}).exit_code == 1);
  CHECK(run({collector_bin(), "prices", "frobnicate"}).exit_code == 2);
  auto help = run({collector_bin(), "prices", "--help"});
  CHECK(help.exit_code == 0);
  CHECK(has(help.out, "override   add or remove an organisation rate"));
}
