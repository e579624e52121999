// Output to people is neutralised (docs/SECURITY.md, "Output to people"):
// terminal escapes, line breaks, formulas, C1 controls, bidirectional
// overrides and invalid UTF-8 in every string field of records, commits,
// pull requests and Jira epics, through every sink: the report table, the
// CLI tables, CSV, and JSON (which must stay valid and carry the strings).
#include "common/report/output_sinks.hpp"

#include <simdjson.h>

#include <catch2/catch.hpp>
#include <set>

#include "collector/cli/cli_table.hpp"
#include "common/utf8.hpp"
#include "tests/support/csv_cells.hpp"
#include "tests/support/hostile_report.hpp"

using namespace codepulse;
using namespace codepulse::report;
using codepulse::test::hostile_report;
using codepulse::test::hostile_strings;

namespace {

// What in `text` a terminal or a line-based reader would act on: a control
// character other than the newline ending a line, a C1 control, a
// bidirectional override or isolate, or invalid UTF-8. "" when none.
std::string live_part(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '\n' || (c >= 0x20 && c < 0x7f)) {
      ++i;
      continue;
    }
    if (c < 0x80) return "control byte " + std::to_string(c) + " at " + std::to_string(i);
    const size_t n = utf8_sequence_length(text.substr(i));
    if (n == 0) return "invalid UTF-8 at " + std::to_string(i);
    const std::string_view seq = text.substr(i, n);
    if (seq[0] == '\xc2' && static_cast<unsigned char>(seq[1]) <= 0x9f)
      return "C1 control at " + std::to_string(i);
    if (seq == "\xe2\x80\xaa" || seq == "\xe2\x80\xab" || seq == "\xe2\x80\xac" ||
        seq == "\xe2\x80\xad" || seq == "\xe2\x80\xae" || seq == "\xe2\x81\xa6" ||
        seq == "\xe2\x81\xa7" || seq == "\xe2\x81\xa8" || seq == "\xe2\x81\xa9")
      return "bidirectional control at " + std::to_string(i);
    i += n;
  }
  return "";
}

size_t count_lines(std::string_view text) {
  size_t n = 0;
  for (const char c : text)
    n += c == '\n';
  return n;
}

size_t count_nodes(const ReportNode& n) {
  size_t total = 0;
  for (const ReportNode& c : n.children)
    total += 1 + count_nodes(c);
  return total;
}

size_t count_leaves(const ReportNode& n) {
  if (n.children.empty()) return 1;
  size_t total = 0;
  for (const ReportNode& c : n.children)
    total += count_leaves(c);
  return total;
}

void collect_keys(simdjson::dom::array rows, std::set<std::string>& keys) {
  for (simdjson::dom::element row : rows) {
    std::string_view key;
    REQUIRE_FALSE(row["key"].get_string().get(key));
    keys.emplace(key);
    simdjson::dom::array children;
    if (!row["children"].get_array().get(children)) collect_keys(children, keys);
  }
}

bool starts_a_formula(const std::string& cell) {
  return !cell.empty() && std::string_view("=+-@\t\r").find(cell[0]) != std::string_view::npos;
}

}  // namespace

TEST_CASE("terminal_text shows controls, bidi overrides and invalid UTF-8 escaped",
          "[report][sinks]") {
  CHECK(terminal_text("github.com/acme/api") == "github.com/acme/api");
  CHECK(terminal_text("\x1b]0;owned\x07") == "\\x1b]0;owned\\x07");
  CHECK(terminal_text("a\nb\rc\td") == "a\\nb\\rc\\td");
  CHECK(terminal_text(std::string("nul\x00 del\x7f", 9)) == "nul\\x00 del\\x7f");
  CHECK(terminal_text("c1 \xc2\x9b"
                      "31m \xc2\x85") == "c1 \\u009b31m \\u0085");
  CHECK(terminal_text("x\xe2\x80\xae"
                      "y\xe2\x81\xa9") == "x\\u202ey\\u2069");
  CHECK(terminal_text("bad \xff\xc3") == "bad \\xff\\xc3");
  // Text that is not a control stays as it is: accents, CJK, a no-break space, emoji.
  const std::string plain = "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac\xc2\xa0\xf0\x9f\x98\x80";
  CHECK(terminal_text(plain) == plain);
  for (const std::string& s : hostile_strings()) {
    INFO(s);
    CHECK(live_part(terminal_text(s)).empty());
  }
}

TEST_CASE("csv_text_cell quotes, escapes and defuses formulas", "[report][sinks]") {
  CHECK(csv_text_cell("github.com/acme/api") == "github.com/acme/api");
  CHECK(csv_text_cell("a,b") == "\"a,b\"");
  CHECK(csv_text_cell("say \"hi\"") == "\"say \"\"hi\"\"\"");
  CHECK(csv_text_cell("two\nlines") == "two\\nlines");  // one row is one line
  CHECK(csv_text_cell("=1+2") == "'=1+2");
  CHECK(csv_text_cell("+1") == "'+1");
  CHECK(csv_text_cell("-2+3") == "'-2+3");
  CHECK(csv_text_cell("@SUM(A1)") == "'@SUM(A1)");
  CHECK(csv_text_cell("\tx") == "\\tx");  // a tab or CR never reaches the file
  CHECK(csv_text_cell("=HYPERLINK(\"http://x\",\"y\")") ==
        "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
  CHECK(csv_text_cell("a=b") == "a=b");  // only the first character counts
  CHECK(csv_text_cell("") == "");
  for (const std::string& s : hostile_strings()) {
    INFO(s);
    const auto rows = test::parse_csv(csv_text_cell(s) + "\n");
    REQUIRE(rows.size() == 1);
    REQUIRE(rows[0].size() == 1);
    CHECK_FALSE(starts_a_formula(rows[0][0]));
    CHECK(live_part(rows[0][0]).empty());
  }
}

TEST_CASE(
    "every string field of records, commits, pull requests and epics is neutralised in every sink",
    "[report][sinks]") {
  const std::vector<std::vector<Dimension>> kinds = {
      {Dimension::kModel},
      {Dimension::kRepo},
      {Dimension::kFile},
      {Dimension::kAuthor},
      {Dimension::kTask},
      {Dimension::kEpic},
      {Dimension::kSession},
      {Dimension::kBranch},
      {Dimension::kCommit},
      {Dimension::kPr},
      {Dimension::kAssistant},
      {Dimension::kPerson},
      {Dimension::kTeam},
      {Dimension::kGroup},
      {Dimension::kOrg},
      {Dimension::kLevel},
      {Dimension::kRepo, Dimension::kBranch, Dimension::kFile},
      {Dimension::kEpic, Dimension::kTask, Dimension::kAuthor}};
  for (const auto& dims : kinds) {
    ReportQuery q;
    q.group_by = dims;
    q.outcomes = true;
    INFO("group_by " << dimension_name(dims.front()) << " (" << dims.size() << " levels)");
    auto r = hostile_report(q);
    REQUIRE(r);
    REQUIRE(count_nodes(r->root) > 1);

    // The table: nothing live, and one line per node (no forged line).
    const std::string table = render_table(*r);
    INFO(table);
    CHECK(live_part(table).empty());
    size_t expected = count_nodes(r->root) + 4;  // header, rule, nodes, rule, TOTAL
    if (r->root.metrics.unpriced_records > 0)
      expected += 1 + r->unpriced.size() + (table.find("\n* partly priced") != std::string::npos);
    CHECK(count_lines(table) == expected);

    // CSV: nothing live, one row per leaf, no key read as a formula.
    const std::string csv = render_csv(*r);
    CHECK(live_part(csv).empty());
    CHECK(count_lines(csv) == 1 + count_leaves(r->root));
    const auto rows = test::parse_csv(csv);
    REQUIRE(rows.size() == 1 + count_leaves(r->root));
    for (size_t i = 1; i < rows.size(); ++i) {
      REQUIRE(rows[i].size() == rows[0].size());
      for (size_t d = 0; d < dims.size(); ++d) {
        INFO(rows[i][d]);
        CHECK_FALSE(starts_a_formula(rows[i][d]));
      }
    }

    // JSON: valid, escaped, and it carries every string as it is (invalid
    // UTF-8 replaced by U+FFFD).
    const std::string json = render_json(*r);
    CHECK(live_part(json).empty());
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    REQUIRE_FALSE(parser.parse(json).get(doc));
    simdjson::dom::array json_rows;
    REQUIRE_FALSE(doc["rows"].get_array().get(json_rows));
    std::set<std::string> keys;
    collect_keys(json_rows, keys);
    if (dims.front() == Dimension::kRepo || dims.front() == Dimension::kSession ||
        dims.front() == Dimension::kAuthor || dims.front() == Dimension::kBranch ||
        dims.front() == Dimension::kPerson || dims.front() == Dimension::kTeam) {
      for (const std::string& s : hostile_strings()) {
        const std::string expected_key = s == replace_invalid_utf8(s) ? s : "";
        if (!expected_key.empty()) CHECK(keys.count(expected_key) == 1);
      }
    }
  }
}

TEST_CASE("the CLI tables show every cell through terminal_text", "[report][sinks]") {
  std::vector<std::vector<std::string>> rows = {{"ID", "AUTHOR", "ROLE"}};
  for (const std::string& s : hostile_strings())
    rows.push_back({"1", s, "viewer"});
  const std::string table = collector::render_text_table(rows);
  INFO(table);
  CHECK(live_part(table).empty());
  CHECK(count_lines(table) == rows.size());
  CHECK(table.find("\\x1b]0;owned title\\x07") != std::string::npos);
}
