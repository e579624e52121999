// A record's tool calls as one JSON array, the form both stores keep them in
// (and the report engine reads). Only the allowlisted ToolUse fields exist.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/record/usage_record.hpp"
#include "common/result.hpp"

namespace codepulse {

// [{"id":"toolu_..","name":"Edit","path":"src/a.cpp","action":2,"commit":0,
//   "seen":1,"added":3,"removed":1,"sha":""}, ...]
std::string encode_tools(const std::vector<ToolUse>& tools);
Result<std::vector<ToolUse>> decode_tools(std::string_view json);

// Adds the calls of `from` whose ids `into` lacks; a result seen in `from`
// fills a call of `into` that has none. True when `into` changed.
bool merge_tools(std::vector<ToolUse>& into, const std::vector<ToolUse>& from);

}  // namespace codepulse
