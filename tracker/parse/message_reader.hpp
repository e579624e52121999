// parse: the reader of a line's "message" object (id, model, role, usage and
// the content blocks: tool calls, tool result ids, whether there is text).
// Used by line_parser.cpp.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <string>
#include <vector>

#include "tracker/parse/line_parser.hpp"

namespace codepulse::tracker {

// message.usage as read; checked when the line turns out to be a request.
struct UsageFields {
  bool present = false;
  bool valid = true;
  bool has_breakdown = false;
  int64_t input = 0, output = 0, cache_creation_total = 0, cache_read = 0;
  int64_t c5m = 0, c1h = 0, web_search = 0;
  bool have_input = false, have_output = false;
  bool fast = false;
};

struct MessageFields {
  std::string id, model, role;
  UsageFields usage;
  bool content_is_string = false;
  bool has_text_block = false;
  std::vector<ToolCall> tools;
  std::vector<std::string> tool_result_ids;
  bool ok = true;
};

// Reads every field of a message object; m.ok is false when it is broken.
void read_message(simdjson::ondemand::object msg, MessageFields& m);

}  // namespace codepulse::tracker
