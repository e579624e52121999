// libFuzzer harness: GET /v1/report's query string. Percent-decoding, the
// report parameter parser (dimensions, metrics, dates, time zones, filters),
// then the report itself on a small cube, rendered in the asked format.
// Whatever was asked: every level adds up to its parent in each additive
// metric; the whole is never more than the cube holds; the same query
// renders the same bytes again.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "collector/http/query_string.hpp"
#include "common/report/report.hpp"
#include "common/report/usage_cube.hpp"
#include "tests/fuzz/fuzz_checks.hpp"

using namespace codepulse;
using fuzz::expect;

namespace {

const report::UsageCube& cube() {
  static const report::UsageCube c = [] {
    report::UsageCube made;
    const char* models[] = {"claude-opus-4-6", "claude-sonnet-4-5", "claude-haiku-4-5"};
    for (int i = 0; i < 300; ++i) {
      report::UsageFact f;
      f.record_id = i + 1;
      f.author = i % 3 ? "dev@example.org" : "lead@example.org";
      f.session = "s" + std::to_string(i % 7);
      f.model = models[i % 3];
      f.repo = "github.com/acme/r" + std::to_string(i % 4);
      f.branch = i % 5 ? "feature/PROJ-" + std::to_string(i % 6) + "-x" : "main";
      f.task_keys = i % 5 ? "PROJ-" + std::to_string(i % 6) : "";
      f.turn_id = "t" + std::to_string(i / 4);
      f.ts_ms = 1'767'225'600'000 + int64_t{i} * 3'600'000 * 7;
      f.input = i * 13;
      f.output = i * 7 + 1;
      f.cache_create = i * 101;
      f.cache_read = i * 1001;
      // Every eleventh record of a model the book does not price.
      if (i % 11 == 0) f.model = "gateway-model-x";
      f.inference_geo = i % 2 ? "us" : "";
      ToolUse t;
      t.tool_use_id = "toolu_" + std::to_string(i);
      t.name = "Edit";
      t.path = "src/f" + std::to_string(i % 9) + ".cpp";
      t.action = i % 4 ? FileAction::kChange : FileAction::kRead;
      t.result_seen = i % 3 != 0;
      t.lines_added = i % 17;
      f.tools.push_back(t);
      made.add(f);
    }
    return made;
  }();
  return c;
}

// What the whole cube holds (made above): input i * 13, output i * 7 + 1,
// cache i * 101 and i * 1001 for i < 300.
constexpr int64_t kFacts = 300, kSumOfI = kFacts * (kFacts - 1) / 2;

void check(const report::ReportNode& n) {
  expect(n.metrics.input >= 0 && n.metrics.output >= 0 && n.metrics.cache_create >= 0 &&
             n.metrics.cache_read >= 0 && n.metrics.cost_nanos >= 0 && n.metrics.records >= 0,
         "no negative metric");
  if (n.children.empty()) return;
  report::Metrics sum;
  for (const auto& c : n.children) {
    sum.input += c.metrics.input;
    sum.output += c.metrics.output;
    sum.cache_create += c.metrics.cache_create;
    sum.cache_read += c.metrics.cache_read;
    sum.cost_nanos += c.metrics.cost_nanos;
    check(c);
  }
  expect(sum.input == n.metrics.input && sum.output == n.metrics.output &&
             sum.cache_create == n.metrics.cache_create && sum.cache_read == n.metrics.cache_read &&
             sum.cost_nanos == n.metrics.cost_nanos,
         "every level adds up to its parent");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view query(reinterpret_cast<const char*>(data), size);
  auto params = collector::parse_query_string(query);
  if (!params) return 0;
  auto request = report::parse_report_params(*params);
  if (!request) return 0;
  request->query.max_nodes = 100'000;  // as the collector limits them
  auto r = cube().query(request->query, {{"PROJ-1", "PROJ-100"}});
  if (!r) return 0;
  check(r->root);
  const report::Metrics& all = r->root.metrics;
  expect(all.input <= 13 * kSumOfI && all.output <= 7 * kSumOfI + kFacts &&
             all.cache_create <= 101 * kSumOfI && all.cache_read <= 1001 * kSumOfI &&
             all.records <= kFacts,
         "the whole is never more than the cube holds");
  const std::string rendered = report::render(*r, request->format);
  auto again = cube().query(request->query, {{"PROJ-1", "PROJ-100"}});
  expect(again && report::render(*again, request->format) == rendered,
         "the same query renders the same bytes");
  return 0;
}
