// libFuzzer harness: one Claude Code log line through everything the tracker
// does with it: classify, parse (simdjson, UTF-8 repair), and build the
// stripped record (paths made repo-relative, task keys, price).
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "common/pricing.hpp"
#include "common/tool_codec.hpp"
#include "tracker/parse/line_classifier.hpp"
#include "tracker/parse/line_parser.hpp"
#include "tracker/strip/record_builder.hpp"

using namespace codepulse;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // The parser reads up to the padding past the line, as line_reader gives it.
  std::vector<char> buffer(size + 64, '\0');
  if (size > 0) std::memcpy(buffer.data(), data, size);
  const std::string_view line(buffer.data(), size);
  PendingTools pending;
  pending.emplace("toolu_edit", ToolKind::kChange);
  pending.emplace("toolu_commit", ToolKind::kGitCommit);
  (void)tracker::line_class_error(tracker::classify_line(line, pending));
  if (tracker::classify_line(line, pending) != tracker::LineClass::kParse) return 0;
  tracker::LineParser parser;
  const tracker::ParsedLine& parsed = parser.parse(line, buffer.size(), pending);
  if (parsed.kind != tracker::LineKind::kRequest) return 0;
  tracker::RecordBuilder builder({"dev@example.org", std::nullopt}, PriceTable::builtin());
  const UsageRecord record = builder.build(parsed.request, "turn");
  // The tools survive the codec the stores use.
  auto tools = decode_tools(encode_tools(record.tools));
  if (!tools || tools->size() != record.tools.size()) __builtin_trap();
  return 0;
}
