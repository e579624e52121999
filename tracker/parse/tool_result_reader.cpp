// toolUseResult: a created file's lines, a patch's added and removed lines
// (by their first character), a commit's sha.
#include "tracker/parse/tool_result_reader.hpp"

#include <string_view>

#include "tracker/parse/git_commit_command.hpp"
#include "tracker/parse/json_values_internal.hpp"

namespace codepulse::tracker {

using namespace parse_internal;

namespace {

// structuredPatch: the hunks' lines are counted by their first character,
// never read further. False on a broken hunk field.
bool count_patch_lines(od::array hunks, ToolResultFields& r) {
  for (auto h : hunks) {
    od::object hunk;
    if (h.get_object().get(hunk)) continue;
    for (auto field : hunk) {
      od::raw_json_string key;
      od::value v;
      if (!read_field(field, key, v)) return false;
      if (!(key == "lines")) continue;
      od::array lines;
      if (v.get_array().get(lines)) continue;
      for (auto l : lines) {
        // Only the first character of each patch line is looked at.
        std::string_view raw;
        if (l.raw_json_token().get(raw) || raw.size() < 2) continue;
        r.has_patch = true;
        if (raw[1] == '+')
          ++r.added;
        else if (raw[1] == '-')
          ++r.removed;
      }
    }
  }
  return true;
}

}  // namespace

void read_tool_result(od::object obj, ToolKind kind, ToolResultFields& r) {
  r.present = true;
  for (auto field : obj) {
    od::raw_json_string key;
    od::value v;
    if (!read_field(field, key, v)) return;
    if (kind == ToolKind::kChange) {
      if (key == "type") {
        std::string_view t;
        r.is_create = !v.get_string().get(t) && t == "create";
      } else if (key == "content" && r.is_create) {
        std::string_view text;  // counted, never kept
        if (!v.get_string().get(text)) r.create_lines = count_lines(text);
      } else if (key == "structuredPatch") {
        od::array hunks;
        if (v.get_array().get(hunks)) continue;
        if (!count_patch_lines(hunks, r)) return;
      }
    } else if (kind == ToolKind::kGitCommit && key == "stdout") {
      std::string_view out;
      if (!v.get_string().get(out)) r.commit_sha = extract_commit_sha(out);
    }
  }
}

}  // namespace codepulse::tracker
