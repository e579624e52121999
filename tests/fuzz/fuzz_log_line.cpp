// libFuzzer harness: one Claude Code log line through everything the tracker
// does with it: classify, parse (simdjson, UTF-8 repair), and build the
// stripped record (paths made repo-relative, task keys, price). Invariants:
// the same class each time; a record has the configured author, counts of at
// most a billion and a cost that is not negative; no tool path is absolute
// or climbs out with "..", task keys are only keys; the tools survive the
// store's codec.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "common/pricing/pricer.hpp"
#include "common/tool_codec.hpp"
#include "tests/fuzz/fuzz_checks.hpp"
#include "tracker/parse/line_classifier.hpp"
#include "tracker/parse/line_parser.hpp"
#include "tracker/strip/record_builder.hpp"

using namespace codepulse;
using fuzz::expect;

namespace {

// A path with a ".." component: it could name a file outside the repository.
bool climbs(std::string_view path) {
  size_t pos = 0;
  while (pos <= path.size()) {
    const size_t slash = path.find('/', pos);
    const size_t end = slash == std::string_view::npos ? path.size() : slash;
    if (path.substr(pos, end - pos) == "..") return true;
    pos = end + 1;
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // The parser reads up to the padding past the line, as line_reader gives it.
  std::vector<char> buffer(size + 64, '\0');
  if (size > 0) std::memcpy(buffer.data(), data, size);
  const std::string_view line(buffer.data(), size);
  PendingTools pending;
  pending.emplace("toolu_edit", ToolKind::kChange);
  pending.emplace("toolu_commit", ToolKind::kGitCommit);
  const tracker::LineClass line_class = tracker::classify_line(line, pending);
  (void)tracker::line_class_error(line_class);
  expect(tracker::classify_line(line, pending) == line_class, "the same class each time");
  if (line_class != tracker::LineClass::kParse) return 0;
  tracker::LineParser parser;
  const tracker::ParsedLine& parsed = parser.parse(line, buffer.size(), pending);
  if (parsed.kind != tracker::LineKind::kRequest) return 0;
  tracker::RecordBuilder builder({"dev@example.org", std::nullopt}, Pricer::builtin());
  const UsageRecord record = builder.build(parsed.request, "turn");
  expect(record.author == "dev@example.org", "the configured author");
  expect(!record.dedupe_key.empty(), "a dedupe key");
  for (int64_t n : {record.input, record.output, record.cache_create_5m, record.cache_create_1h,
                    record.cache_read, record.web_search_requests})
    expect(n >= 0 && n <= 1'000'000'000, "counts of at most a billion");
  expect(!record.cost_nanos || *record.cost_nanos >= 0, "a cost that is not negative");
  expect(fuzz::task_keys_shaped(record.task_keys), "a branch gives its task keys only");
  for (const ToolUse& t : record.tools) {
    expect(t.path.empty() || t.path[0] != '/', "no absolute path leaves the machine");
    expect(!climbs(t.path), "no path climbs out of the repository");
  }
  // The tools survive the codec the stores use.
  auto tools = decode_tools(encode_tools(record.tools));
  expect(tools && tools->size() == record.tools.size(), "the tools survive the store's codec");
  return 0;
}
