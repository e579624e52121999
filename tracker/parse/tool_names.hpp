// parse: what a Claude Code tool name tells: the kind of the call (a read, a
// change, anything else) and the name tools are counted under.
#pragma once

#include <string>
#include <string_view>

#include "common/record/tool_result.hpp"

namespace codepulse::tracker {

// Read/NotebookRead -> kRead; Edit, Write, MultiEdit, NotebookEdit -> kChange;
// anything else -> kOther (a Bash git commit is told by its command).
ToolKind tool_kind(std::string_view tool_name);
// Claude Code tool name -> the name tools are counted under:
// "mcp__server__tool" -> "mcp:server/tool", Skill -> "skill:<name>".
std::string tool_count_name(std::string_view tool_name, std::string_view skill);

}  // namespace codepulse::tracker
