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

#include "common/line_fingerprint.hpp"
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
  // With line provenance on, and lines before 2026-01-01 not fingerprinted:
  // the same line, and the same prints unless the request is older.
  LineFingerprinter fp(std::string(32, 'k'));
  tracker::LineParser printing, from_2026;
  printing.set_fingerprinter(&fp);
  from_2026.set_fingerprinter(&fp);
  constexpr int64_t kSince = 1767225600000;
  from_2026.set_fingerprint_since(kSince);
  const tracker::ParsedLine& all = printing.parse(line, buffer.size(), pending);
  const tracker::ParsedLine& recent = from_2026.parse(line, buffer.size(), pending);
  // (Not always parsed.kind: reading a change's text can find a broken
  // string the plain parse skips over, on a line that is broken anyway; an
  // old line is read as the plain parse reads it, then.)
  expect(recent.kind == all.kind ||
             (all.kind == tracker::LineKind::kMalformed && recent.kind == parsed.kind &&
              recent.kind != tracker::LineKind::kRequest),
         "the same kind with or without old prints");
  if (all.kind == tracker::LineKind::kRequest) {
    expect(recent.request.timestamp_ms == all.request.timestamp_ms &&
               recent.request.message_id == all.request.message_id &&
               recent.request.tools.size() == all.request.tools.size(),
           "the same request with or without old prints");
    for (size_t i = 0; i < all.request.tools.size(); ++i) {
      const auto& want = all.request.tools[i].written_lines;
      const auto& got = recent.request.tools[i].written_lines;
      expect(got == want || (got.empty() && all.request.timestamp_ms < kSince),
             "prints skipped only for an older request");
    }
  }
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
