// parse: the reader of a line's "toolUseResult" object: line counts of a
// change (create or structuredPatch) and the sha of a git commit, never the
// text. Used by line_parser.cpp.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <string>

#include "common/record/tool_result.hpp"

namespace codepulse::tracker {

struct ToolResultFields {
  bool present = false;
  bool is_create = false;
  int64_t create_lines = 0;
  int64_t added = 0, removed = 0;
  bool has_patch = false;
  std::string commit_sha;
};

// Reads what a result of `kind` (kChange or kGitCommit) holds that we count.
void read_tool_result(simdjson::ondemand::object obj, ToolKind kind, ToolResultFields& r);

}  // namespace codepulse::tracker
