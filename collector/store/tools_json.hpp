// A record's tool calls as the JSON array stored in usage_records.tools: the
// format of tracker/queue/tool_codec.hpp, which the report engine decodes.
#pragma once

#include <string>
#include <vector>

#include "common/record.hpp"

namespace codepulse::collector {

// [{"id":"toolu_..","name":"Edit","path":"src/a.cpp","action":2,"commit":0,
//   "seen":1,"added":3,"removed":1,"sha":""}, ...]
std::string tools_json(const std::vector<ToolUse>& tools);

}  // namespace codepulse::collector
