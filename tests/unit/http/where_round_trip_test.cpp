// Every row the report API returns can be opened (issue 22, item 5): its key,
// put in a `where` as the dashboard does (URLSearchParams: "dim=value",
// form-encoded) and read back by the collector (parse_query_string, then
// parse_report_params), selects exactly that row, whatever it holds: commas,
// quotes, "=", "&", "+", "%", "#", spaces, non-ASCII, a leading formula sign,
// nothing at all.
#include <catch2/catch.hpp>

#include "collector/http/query_string.hpp"
#include "common/report/usage_cube.hpp"

using namespace codepulse;
using namespace codepulse::report;

namespace {

// What URLSearchParams writes for a value: UTF-8 bytes, alphanumerics and
// * - . _ as they are, a space as +, everything else %XX.
std::string form_encoded(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '*' ||
        c == '-' || c == '.' || c == '_') {
      out.push_back(ch);
    } else if (c == ' ') {
      out.push_back('+');
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

const std::vector<std::string> kNames = {"github.com/acme/a,b",
                                         "say \"hi\"",
                                         "x=y=z",
                                         "a&b=c",
                                         "plus+sign",
                                         "100% done",
                                         "#hash",
                                         " spaced out ",
                                         "caf\xc3\xa9",
                                         "\xe6\x97\xa5\xe6\x9c\xac/repo",
                                         "=HYPERLINK(\"x\")",
                                         "-2+3",
                                         "@home",
                                         "semi;colon",
                                         "back\\slash",
                                         "'quoted'",
                                         "",
                                         "(others)x"};

}  // namespace

TEST_CASE("every report row's key opens that row through the dashboard's where",
          "[report][http][where]") {
  UsageCube cube;
  for (size_t i = 0; i < kNames.size(); ++i) {
    UsageFact f;
    f.record_id = static_cast<int64_t>(i) + 1;
    f.author = f.session = f.repo = f.branch = kNames[i];
    f.task_keys = kNames[i];
    f.model = "claude-opus-4-6";
    f.ts_ms = 1'780'000'000'000 + static_cast<int64_t>(i) * 60'000;
    f.input = 1000 * (static_cast<int64_t>(i) + 1);
    ToolUse t;
    t.tool_use_id = "toolu_" + std::to_string(i);
    t.name = "Edit";
    t.path = kNames[i];
    t.action = FileAction::kChange;
    t.result_seen = true;
    f.tools = {t};
    cube.add(f);
  }
  const EpicMap epics;
  for (const char* dim : {"repo", "branch", "author", "session", "task", "file"}) {
    INFO(dim);
    auto asked = parse_report_params({{"group_by", dim}});
    REQUIRE(asked);
    auto all = cube.query(asked->query, epics);
    REQUIRE(all);
    REQUIRE(all->root.children.size() >= kNames.size() - 2);
    for (const ReportNode& row : all->root.children) {
      INFO("key '" << row.key << "'");
      const std::string query = "group_by=" + std::string(dim) +
                                "&where=" + form_encoded(std::string(dim) + "=" + row.key) +
                                "&format=json";
      auto params = collector::parse_query_string(query);
      REQUIRE(params);
      auto request = parse_report_params(*params);
      REQUIRE(request);
      auto one = cube.query(request->query, epics);
      REQUIRE(one);
      REQUIRE(one->root.children.size() == 1);
      const ReportNode& back = *one->root.children.begin();
      CHECK(back.key == row.key);
      CHECK(back.metrics.records == row.metrics.records);
      CHECK(back.metrics.input == row.metrics.input);
      CHECK(back.metrics.cost_nanos == row.metrics.cost_nanos);
    }
  }
}
