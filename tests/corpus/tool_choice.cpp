// Which tool a request calls (forced features first, then by frequency), the tools' names, and
// the dispatch to the tool's preparation.
#include <array>

#include "tests/corpus/gen_internal.hpp"
#include "tests/corpus/vocabulary.hpp"

namespace codepulse::bench::corpus {
namespace {

struct ToolInfo {
  Tool tool;
  const char* name;  // "Other" for MCP tools, which are named per call
  bool hooks;        // the sessions' PreToolUse/PostToolUse hooks run for it
  bool last_block;   // the last content block of its request
};

constexpr std::array<ToolInfo, 11> kToolInfo = {{
    {Tool::kRead, "Read", true, false},
    {Tool::kBash, "Bash", true, false},
    {Tool::kEdit, "Edit", true, false},
    {Tool::kGrep, "Grep", true, false},
    {Tool::kGlob, "Glob", true, false},
    {Tool::kWrite, "Write", true, false},
    {Tool::kMultiEdit, "MultiEdit", true, false},
    {Tool::kTask, "Task", false, true},
    {Tool::kSkill, "Skill", false, true},
    {Tool::kMcp, "Other", false, false},
    {Tool::kWebSearch, "WebSearch", false, true},
}};

constexpr bool in_enum_order() {
  for (size_t i = 0; i < kToolInfo.size(); ++i)
    if (static_cast<size_t>(kToolInfo[i].tool) != i) return false;
  return true;
}
static_assert(in_enum_order(), "kToolInfo is indexed by Tool");

// The forced features that are tool calls, in the order they are taken, and their tool.
struct ForcedTool {
  Feat feat;
  Tool tool;
};

constexpr std::array<ForcedTool, 20> kForcedTools = {{
    {Feat::kTaskNested, Tool::kTask},
    {Feat::kTaskProgressOnly, Tool::kTask},
    {Feat::kTaskFlat, Tool::kTask},
    {Feat::kSkillFork, Tool::kSkill},
    {Feat::kEdit, Tool::kEdit},
    {Feat::kEditOutside, Tool::kEdit},
    {Feat::kEditPrefixTrap, Tool::kEdit},
    {Feat::kEditError, Tool::kEdit},
    {Feat::kWriteCreate, Tool::kWrite},
    {Feat::kWriteUpdate, Tool::kWrite},
    {Feat::kMultiEdit, Tool::kMultiEdit},
    {Feat::kCommit, Tool::kBash},
    {Feat::kCommitFail, Tool::kBash},
    {Feat::kGitLog, Tool::kBash},
    {Feat::kBigBash, Tool::kBash},
    {Feat::kBigRead, Tool::kRead},
    {Feat::kGrep, Tool::kGrep},
    {Feat::kGlob, Tool::kGlob},
    {Feat::kMcp, Tool::kMcp},
    {Feat::kWebSearch, Tool::kWebSearch},
}};

}  // namespace

const char* tool_name(Tool t) {
  return kToolInfo[static_cast<size_t>(t)].name;
}

bool runs_hooks(Tool t) {
  return kToolInfo[static_cast<size_t>(t)].hooks;
}

bool ends_request(Tool t) {
  return kToolInfo[static_cast<size_t>(t)].last_block;
}

std::string Gen::tool_use_name(Tool t) {
  return t == Tool::kMcp ? rng_.pick(kMcpTools) : tool_name(t);
}

Tool Gen::pick_tool(Session& s, Feat& feat) {
  feat = Feat::kNone;
  for (const ForcedTool& f : kForcedTools) {
    if (take(s, f.feat)) {
      feat = f.feat;
      return f.tool;
    }
  }
  const uint64_t r = rng_.below(100);
  if (r < 30) return Tool::kRead;
  if (r < 50) return Tool::kBash;
  if (r < 66) return Tool::kEdit;
  if (r < 74) return Tool::kGrep;
  if (r < 79) return Tool::kGlob;
  if (r < 84) return Tool::kWrite;
  if (r < 86) return Tool::kMultiEdit;
  if (r < 88) return Tool::kTask;
  if (r < 89) return Tool::kSkill;
  if (r < 93) return Tool::kMcp;
  if (opts_.include_web_search && r < 99) return Tool::kWebSearch;
  return Tool::kRead;
}

void Gen::prepare_tool(Session& s, ToolRun& t, bool subagent) {
  t.id = b62("toolu_01", 22);
  switch (t.tool) {
    case Tool::kRead:
      prep_read(s, t, subagent, t.feat == Feat::kBigRead);
      break;
    case Tool::kBash:
      prep_bash(s, t, t.feat, subagent);
      break;
    case Tool::kEdit:
      prep_edit(s, t, t.feat);
      break;
    case Tool::kGrep:
      prep_grep(s, t);
      break;
    case Tool::kGlob:
      prep_glob(s, t);
      break;
    case Tool::kWrite:
      prep_write(
          s, t,
          t.feat == Feat::kWriteCreate || (t.feat != Feat::kWriteUpdate && rng_.chance(1, 2)));
      break;
    case Tool::kMultiEdit:
      prep_multiedit(s, t);
      break;
    case Tool::kMcp:
      prep_mcp(t);
      break;
    case Tool::kWebSearch:
      prep_websearch(t);
      break;
    case Tool::kTask:
    case Tool::kSkill:
      prep_spawn(s, t, t.feat);
      break;
  }
}

}  // namespace codepulse::bench::corpus
