// The usage record's listed columns (common/record/usage_columns.hpp): every
// field of UsageRecord but the ones each store keeps itself is listed once,
// and bind_usage_fields / read_usage_fields carry each one through a SQLite
// file and back unchanged.
#include "common/record/usage_columns.hpp"

#include <catch2/catch.hpp>
#include <cstdint>
#include <limits>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "common/record/usage_sqlite.hpp"
#include "common/sqlite.hpp"
#include "tests/support/test_support.hpp"

using namespace codepulse;
using codepulse::test::TempDir;

namespace {

// Every member of UsageRecord, in declaration order, but the tools (ToolUse
// has no ==; the stores encode them apart). The binding stops compiling when
// a member is added: list it in usage_columns.hpp, or among the ones each
// store keeps itself (dedupe_key, author), and here.
auto members(const UsageRecord& r) {
  const auto& [dedupe_key, assistant, message_id, request_id, timestamp_ms, session_id, sidechain,
               agent_id, model, input, output, cache_create_5m, cache_create_1h, cache_read,
               reasoning, web_search_requests, web_fetch_requests, fast, inference_geo, iteration,
               cost_nanos, long_context, price_version, cc_version, author, repo, branch, task_keys,
               turn_id, tools] = r;
  (void)tools;
  return std::tie(dedupe_key, assistant, message_id, request_id, timestamp_ms, session_id,
                  sidechain, agent_id, model, input, output, cache_create_5m, cache_create_1h,
                  cache_read, reasoning, web_search_requests, web_fetch_requests, fast,
                  inference_geo, iteration, cost_nanos, long_context, price_version, cc_version,
                  author, repo, branch, task_keys, turn_id);
}
constexpr size_t kDedupeKeyMember = 0, kAuthorMember = 24;
constexpr size_t kMemberCount = 29;  // and the tools
static_assert(std::tuple_size_v<decltype(members(UsageRecord{}))> == kMemberCount);

template <class Tuple, size_t... I>
std::vector<size_t> same_members(const Tuple& a, const Tuple& b, std::index_sequence<I...>) {
  std::vector<size_t> same;
  ((std::get<I>(a) == std::get<I>(b) ? same.push_back(I) : void()), ...);
  return same;
}
std::vector<size_t> same_members(const UsageRecord& a, const UsageRecord& b) {
  return same_members(members(a), members(b), std::make_index_sequence<kMemberCount>());
}

void mark(size_t i, std::string& v) {
  v = "field-" + std::to_string(i);
}
void mark(size_t i, int64_t& v) {
  v = 1000 + static_cast<int64_t>(i);
}
void mark(size_t, bool& v) {
  v = true;
}
void mark(size_t i, std::optional<int64_t>& v) {
  v = 2000 + static_cast<int64_t>(i);
}

// A record whose every member differs from its neighbours' values; `variant`
// picks which of the flags is set and whether the cost is known.
UsageRecord sample(int variant) {
  const std::string n = std::to_string(variant);
  UsageRecord r;
  r.dedupe_key = "msg_" + n + "\x1f" + "req_" + n;
  r.message_id = "msg_" + n;
  r.request_id = "req_" + n;
  r.timestamp_ms = 1'770'912'313'088 + variant;
  r.session_id = "4d5611e5-241a-462a-8d15-5122611a95" + n;
  r.sidechain = variant == 0;
  r.agent_id = "agent-" + n;
  r.model = "claude-opus-4-6";
  r.input = std::numeric_limits<int64_t>::max() - variant;
  r.output = std::numeric_limits<int64_t>::min() + variant;
  r.cache_create_5m = 3 + variant;
  r.cache_create_1h = 4 + variant;
  r.cache_read = 5 + variant;
  r.web_search_requests = 6 + variant;
  r.fast = variant == 1;
  if (variant != 2) r.cost_nanos = 82'362'250 + variant;
  r.long_context = variant == 2;
  r.price_version = "2026-11-22";
  r.cc_version = "2.1.3" + n;
  r.author = "dev@example.org";
  r.repo = "github.com/acme/api-" + n;
  r.branch = "feature/\xc3\xa9t\xc3\xa9-" + n;  // UTF-8 text stays as it is
  r.task_keys = "PROJ-" + n + ",OPS-7";
  r.turn_id = "459e3c76-3c0e-4f57-bf2d-d225482ecb6" + n;
  ToolUse edit;
  edit.tool_use_id = "toolu_" + n;
  edit.name = "Edit";
  r.tools.push_back(edit);
  return r;
}

const char* sqlite_type(ColumnKind kind) {
  return kind == ColumnKind::kText     ? "TEXT NOT NULL"
         : kind == ColumnKind::kOptInt ? "INTEGER"
                                       : "INTEGER NOT NULL";
}

}  // namespace

TEST_CASE("the column list names every usage record field but dedupe key, author and tools",
          "[store][unit]") {
  CHECK(kUsageColumnCount == kMemberCount - 2);
  UsageRecord marked;
  size_t visits = 0;
  for_each_usage_field(marked, [&](size_t i, auto& field) {
    CHECK(i == visits++);
    mark(i, field);
  });
  CHECK(visits == kUsageColumnCount);
  // Each listed field was reached once: only the unlisted ones keep their default.
  CHECK(same_members(marked, UsageRecord{}) ==
        std::vector<size_t>{kDedupeKeyMember, kAuthorMember});
  CHECK(marked.tools.empty());
}

TEST_CASE("the column list gives the SQL text of every column in the list's order",
          "[store][unit]") {
  CHECK(usage_column_names().rfind("message_id, request_id, ts_ms, session_id, ", 0) == 0);
  CHECK(usage_column_names("p.").rfind("p.message_id, p.request_id, p.ts_ms, ", 0) == 0);
  const std::string last = std::to_string(8 + kUsageColumnCount - 1);
  const std::string placeholders = usage_sqlite_placeholders(8);
  CHECK(placeholders.rfind("?8, ?9, ?10, ", 0) == 0);
  CHECK(placeholders.substr(placeholders.size() - last.size() - 3) == ", ?" + last);
  const std::string assignments = usage_sqlite_assignments(3);
  CHECK(assignments.rfind("message_id=?3, request_id=?4, ts_ms=?5, ", 0) == 0);
  CHECK(assignments.find("reasoning=?" + std::to_string(3 + kUsageColumnCount - 1)) !=
        std::string::npos);
}

TEST_CASE("every listed usage field round-trips through a SQLite file unchanged", "[store][unit]") {
  TempDir dir;
  const std::string path = dir / "usage.db";
  std::vector<UsageRecord> records;
  for (int variant = 0; variant < 4; ++variant)
    records.push_back(sample(variant));
  {
    auto db = sql::Database::open(path);
    REQUIRE(db);
    std::string create = "CREATE TABLE usage (id INTEGER PRIMARY KEY";
    for (const UsageColumn& c : kUsageColumns)
      create += std::string(", ") + c.name + " " + sqlite_type(c.kind);
    REQUIRE(db->exec((create + ")").c_str()));
    // Parameters from ?2 on: any first index works.
    auto insert = db->prepare("INSERT INTO usage (id, " + usage_column_names() + ") VALUES (?1, " +
                              usage_sqlite_placeholders(2) + ")");
    REQUIRE(insert);
    for (size_t i = 0; i < records.size(); ++i) {
      insert->bind(1, static_cast<int64_t>(i + 1));
      bind_usage_fields(*insert, 2, records[i]);
      REQUIRE(insert->run());
    }
  }
  auto db = sql::Database::open(path, /*create=*/false);
  REQUIRE(db);
  auto select = db->prepare("SELECT id, typeof(cost_nanos), " + usage_column_names() +
                            " FROM usage ORDER BY id");
  REQUIRE(select);
  size_t rows = 0;
  while (true) {
    auto row = select->step();
    REQUIRE(row);
    if (!*row) break;
    REQUIRE(rows < records.size());
    UsageRecord want = records[rows];
    CHECK(select->int64(0) == static_cast<int64_t>(rows + 1));
    CHECK(select->text(1) == (want.cost_nanos ? "integer" : "null"));
    UsageRecord got;
    read_usage_fields(*select, 2, got);
    // Only what the stores keep themselves stays behind.
    want.dedupe_key.clear();
    want.author.clear();
    CHECK(members(got) == members(want));
    CHECK(got.tools.empty());
    ++rows;
  }
  CHECK(rows == records.size());
}
