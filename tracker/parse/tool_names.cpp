// Tool names: the kind of a Claude Code tool and the name it is counted under.
#include "tracker/parse/tool_names.hpp"

namespace codepulse::tracker {

ToolKind tool_kind(std::string_view name) {
  if (name == "Read" || name == "NotebookRead") return ToolKind::kRead;
  if (name == "Edit" || name == "Write" || name == "MultiEdit" || name == "NotebookEdit")
    return ToolKind::kChange;
  return ToolKind::kOther;
}

std::string tool_count_name(std::string_view name, std::string_view skill) {
  if (name.substr(0, 5) == "mcp__") {
    std::string_view rest = name.substr(5);
    const size_t sep = rest.find("__");
    if (sep != std::string_view::npos)
      return "mcp:" + std::string(rest.substr(0, sep)) + "/" + std::string(rest.substr(sep + 2));
    return "mcp:" + std::string(rest);
  }
  if (name == "Skill" && !skill.empty()) return "skill:" + std::string(skill);
  return std::string(name);
}

}  // namespace codepulse::tracker
