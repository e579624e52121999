// parse: the reader of a line's "message" object (id, model, role, usage and
// the content blocks: tool calls, tool result ids, whether there is text).
// Used by line_parser.cpp.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <string>
#include <vector>

#include "common/line_fingerprint.hpp"
#include "tracker/parse/line_parser.hpp"
#include "tracker/parse/usage_reader.hpp"

namespace codepulse::tracker {

struct MessageFields {
  std::string id, model, role;
  UsageFields usage;
  bool content_is_string = false;
  bool has_text_block = false;
  std::vector<ToolCall> tools;
  std::vector<std::string> tool_result_ids;
  bool tool_result_error = false;  // a tool_result block said is_error: true
  bool ok = true;
  // Fingerprints the lines changing tools write (null: line provenance off).
  LineFingerprinter* fingerprinter = nullptr;
};

// Reads every field of a message object; m.ok is false when it is broken.
void read_message(simdjson::ondemand::object msg, MessageFields& m);

}  // namespace codepulse::tracker
