// queue: a record's tool calls, stored as one JSON array in its row. Only the
// allowlisted ToolUse fields exist in it (see docs/PRIVACY.md).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/record.hpp"
#include "common/result.hpp"

namespace codepulse::tracker {

// [{"id":"toolu_..","name":"Edit","path":"src/a.cpp","action":2,"commit":0,
//   "seen":1,"added":3,"removed":1,"sha":""}, ...]
std::string encode_tools(const std::vector<ToolUse>& tools);
Result<std::vector<ToolUse>> decode_tools(std::string_view json);

// Adds the calls of `from` whose ids `into` lacks; a result seen in `from`
// fills a call of `into` that has none. True when `into` changed.
bool merge_tools(std::vector<ToolUse>& into, const std::vector<ToolUse>& from);

}  // namespace codepulse::tracker
