// The message object of a line: id, model, role, usage (usage_reader.cpp),
// content blocks and a tool_use block's input.
#include "tracker/parse/message_reader.hpp"

#include <string_view>
#include <utility>
#include <vector>

#include "common/line_fingerprint.hpp"
#include "tracker/parse/git_commit_command.hpp"
#include "tracker/parse/json_values_internal.hpp"
#include "tracker/parse/tool_names.hpp"

namespace codepulse::tracker {

using namespace parse_internal;

namespace {

// What a tool_use block's input holds that we keep: a file path, a skill
// name, whether a command is a git commit (the command is not kept), and the
// keyed fingerprints of the lines a change wrote (line provenance,
// docs/PROVENANCE.md: the text is fingerprinted as it is read and dropped).
struct ToolInputFields {
  std::string skill, path;
  bool git_commit = false;
  WrittenLines change;          // old_string; new_string, content, new_source
  std::vector<int64_t> edited;  // MultiEdit's edits, each new less old
};

// MultiEdit's input.edits: [{old_string, new_string, ...}].
void read_edits(od::value v, LineFingerprinter* fp, ToolInputFields& in) {
  od::array edits;
  if (fp == nullptr || v.get_array().get(edits)) return;
  for (auto e : edits) {
    od::object edit;
    if (e.get_object().get(edit)) continue;
    WrittenLines one;
    for (auto field : edit) {
      od::raw_json_string key;
      od::value ev;
      if (!read_field(field, key, ev)) return;
      if (key == "old_string")
        read_before(ev, fp, one);
      else if (key == "new_string")
        read_after(ev, fp, one);
    }
    for (int64_t h : one.written(*fp))
      in.edited.push_back(h);
  }
}

// A tool_use block's input. False on a broken field.
bool read_tool_input(od::object input, LineFingerprinter* fp, ToolInputFields& in) {
  for (auto field : input) {
    od::raw_json_string key;
    od::value v;
    if (!read_field(field, key, v)) return false;
    if (key == "old_string") {
      read_before(v, fp, in.change);
    } else if (key == "new_string" || key == "content" || key == "new_source") {
      read_after(v, fp, in.change);
    } else if (key == "edits") {
      read_edits(v, fp, in);
    } else if (key == "file_path" || key == "notebook_path") {
      read_string(v, in.path);
    } else if (key == "skill") {
      read_string(v, in.skill);
    } else if (key == "command") {
      std::string_view cmd;  // only whether it is a git commit is kept
      if (!v.get_string().get(cmd)) in.git_commit = is_git_commit_command(cmd);
    }
  }
  return true;
}

// A tool_use block becomes a ToolCall; a tool_result block adds its id.
void read_content_block(od::object block, MessageFields& m) {
  // Blocks are tool_use, tool_result, text, thinking, image, ...; fields come in
  // any order, so collect the few we need and decide at the end.
  std::string_view type;
  std::string tool_use_id;
  std::string id, name;
  bool is_error = false;  // a tool_result's flag; its content is never read
  ToolInputFields input;
  for (auto field : block) {
    od::raw_json_string key;
    od::value v;
    if (!read_field(field, key, v)) {
      m.ok = false;
      return;
    }
    if (key == "type") {
      if (v.get_string().get(type)) type = {};
      // string_view into the parser's buffer: copy what we compare later.
      if (type == "text") m.has_text_block = true;
      if (type == "tool_use")
        type = "tool_use";
      else if (type == "tool_result")
        type = "tool_result";
      else
        type = "other";
    } else if (key == "tool_use_id") {
      read_string(v, tool_use_id);
    } else if (key == "is_error") {
      if (v.get_bool().get(is_error)) is_error = false;
    } else if (key == "id") {
      read_string(v, id);
    } else if (key == "name") {
      read_string(v, name);
    } else if (key == "input") {
      od::object obj;
      if (v.get_object().get(obj)) continue;
      // A tool named before its input and not a change: no lines to fingerprint.
      LineFingerprinter* fp =
          name.empty() || tool_kind(name) == ToolKind::kChange ? m.fingerprinter : nullptr;
      if (!read_tool_input(obj, fp, input)) {
        m.ok = false;
        return;
      }
    }
  }
  if (type == "tool_result" && !tool_use_id.empty()) {
    m.tool_result_ids.push_back(std::move(tool_use_id));
    if (is_error) m.tool_result_error = true;
  } else if (type == "tool_use" && !id.empty() && !name.empty()) {
    ToolCall call;
    call.id = std::move(id);
    call.kind = tool_kind(name);
    if (name == "Bash" && input.git_commit) call.kind = ToolKind::kGitCommit;
    if (call.kind == ToolKind::kRead || call.kind == ToolKind::kChange) call.file_path = input.path;
    if (call.kind == ToolKind::kChange) {
      if (m.fingerprinter != nullptr) call.written_lines = input.change.written(*m.fingerprinter);
      call.written_lines.insert(call.written_lines.end(), input.edited.begin(), input.edited.end());
    }
    call.name = tool_count_name(name, input.skill);
    m.tools.push_back(std::move(call));
  }
}

// message.content: a prompt's string, or an array of blocks.
void read_content(od::value v, MessageFields& m) {
  od::json_type t;
  if (v.type().get(t)) {
    m.ok = false;
    return;
  }
  if (t == od::json_type::string) {
    m.content_is_string = true;
  } else if (t == od::json_type::array) {
    od::array blocks;
    if (v.get_array().get(blocks)) {
      m.ok = false;
      return;
    }
    for (auto b : blocks) {
      od::object block;
      if (b.get_object().get(block)) continue;
      read_content_block(block, m);
      if (!m.ok) return;
    }
  }
}

}  // namespace

void read_message(od::object msg, MessageFields& m) {
  for (auto field : msg) {
    od::raw_json_string key;
    od::value v;
    if (!read_field(field, key, v)) {
      m.ok = false;
      return;
    }
    if (key == "id") {
      read_string(v, m.id);
    } else if (key == "model") {
      read_string(v, m.model);
    } else if (key == "role") {
      read_string(v, m.role);
    } else if (key == "usage") {
      od::object usage;
      if (!v.get_object().get(usage)) read_usage(usage, m.usage);
    } else if (key == "content") {
      read_content(v, m);
      if (!m.ok) return;
    }
  }
}

}  // namespace codepulse::tracker
