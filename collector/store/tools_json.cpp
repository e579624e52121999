#include "collector/store/tools_json.hpp"

#include "common/json_writer.hpp"

namespace codepulse::collector {

std::string tools_json(const std::vector<ToolUse>& tools) {
  std::string out;
  JsonWriter w(out);
  w.begin_array();
  for (const ToolUse& t : tools) {
    const int64_t action = t.action ? static_cast<int64_t>(*t.action) : 0;
    w.begin_object()
        .field("id", t.tool_use_id)
        .field("name", t.name)
        .field("path", t.path)
        .field("action", action)
        .field("commit", int64_t{t.git_commit})
        .field("seen", int64_t{t.result_seen})
        .field("added", t.lines_added)
        .field("removed", t.lines_removed)
        .field("sha", t.commit_sha)
        .end_object();
  }
  w.end_array();
  return out;
}

}  // namespace codepulse::collector
