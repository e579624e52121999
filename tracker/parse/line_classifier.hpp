// parse: what a line needs, decided from a few markers without parsing it
// (the classifier runs on every line; the parser only on those it keeps).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/record/tool_result.hpp"

namespace codepulse::tracker {

enum class LineClass : uint8_t {
  kSkip,       // carries nothing we need (or is blank)
  kParse,      // a request, a prompt, or the result of a tool we wait for
  kNotObject,  // does not start with '{'
  kBroken,     // torn or garbage
};

// Pure and allocation-free: it runs on every line the reader sees
// (tail/line_reader.hpp), most of which are skipped.
LineClass classify_line(std::string_view line, const PendingTools& pending);
// The same, and when the verdict hung on `pending` alone (a tool result whose
// tool_use_id it does not hold), that id in `unanswered`, a view into `line`;
// empty otherwise. A reader that sees only part of the pending calls (one
// file of a scan read in parallel) leaves such a line to the one that sees
// them all (flow/scan_reader.hpp).
LineClass classify_line(std::string_view line, const PendingTools& pending,
                        std::string_view& unanswered);
const char* line_class_error(LineClass c);

// Removes the blanks around a line (trailing '\r', ' ', '\t'; leading ' ',
// '\t'), as both the classifier and the parser see it; returns how many
// leading bytes went.
inline size_t strip_line_blanks(std::string_view& line) {
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t'))
    line.remove_suffix(1);
  size_t lead = 0;
  while (lead < line.size() && (line[lead] == ' ' || line[lead] == '\t'))
    ++lead;
  line.remove_prefix(lead);
  return lead;
}

}  // namespace codepulse::tracker
