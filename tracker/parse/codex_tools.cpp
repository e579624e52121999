// Codex tool calls into ToolCalls (codex_tools.hpp).
#include "tracker/parse/codex_tools.hpp"

#include "tracker/parse/git_commit_command.hpp"
#include "tracker/parse/json_values_internal.hpp"

namespace codepulse::tracker {

using namespace parse_internal;

namespace {

constexpr size_t kMaxName = 128;
constexpr size_t kMaxPath = 4096;
constexpr size_t kMaxPatchFiles = 100;
constexpr std::string_view kBeginPatch = "*** Begin Patch";

bool starts_with(std::string_view s, std::string_view p) {
  return s.substr(0, p.size()) == p;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  return s;
}

// The fields of a function_call's arguments a call is judged by.
struct Arguments {
  std::vector<std::string_view> command;  // cmd, or command (a string or its words)
  std::string_view patch;                 // input (apply_patch)
  std::string_view path;                  // path (view_image)
};

void read_arguments(od::object args, Arguments& a) {
  for (auto field : args) {
    od::raw_json_string key;
    od::value v;
    if (!read_field(field, key, v)) return;
    std::string_view s;
    if (key == "cmd" || key == "command") {
      od::array words;
      if (!v.get_string().get(s)) {
        a.command.push_back(s);
      } else if (!v.get_array().get(words)) {
        for (auto w : words)
          if (!w.get_string().get(s)) a.command.push_back(s);
      }
    } else if (key == "input") {
      if (!v.get_string().get(s)) a.patch = s;
    } else if (key == "path") {
      if (!v.get_string().get(s)) a.path = s;
    }
  }
}

bool is_git_commit(const std::vector<std::string_view>& words) {
  std::string joined;
  for (std::string_view w : words) {
    if (is_git_commit_command(w)) return true;  // bash -lc "<script>"
    if (!joined.empty()) joined.push_back(' ');
    joined.append(w);
  }
  return is_git_commit_command(joined);  // ["git", "commit", ...]
}

ToolCall call_of(std::string_view id, std::string_view name, ToolKind kind) {
  ToolCall c;
  c.id.assign(id);
  c.name.assign(name.substr(0, kMaxName));
  c.kind = kind;
  return c;
}

}  // namespace

void add_codex_patch_calls(std::string_view patch, std::string_view call_id,
                           std::vector<ToolCall>& out, LineFingerprinter* fp) {
  ToolCall* file = nullptr;
  size_t files = 0;
  while (!patch.empty()) {
    const size_t eol = patch.find('\n');
    const std::string_view line = patch.substr(0, eol);
    patch = eol == std::string_view::npos ? std::string_view() : patch.substr(eol + 1);
    std::string_view path;
    if (starts_with(line, "*** Add File: ")) {
      path = line.substr(14);
    } else if (starts_with(line, "*** Update File: ")) {
      path = line.substr(17);
    } else if (starts_with(line, "*** Delete File: ")) {
      path = line.substr(17);
    } else if (starts_with(line, "*** Move to: ")) {
      if (file) file->file_path.assign(trim(line.substr(13)).substr(0, kMaxPath));
      continue;
    } else if (starts_with(line, "***")) {
      continue;  // Begin Patch, End Patch, End of File
    } else if (file && !line.empty()) {
      if (line[0] == '+') {
        ++file->lines_added;
        if (fp != nullptr) {
          if (auto print = fp->fingerprint(line.substr(1))) file->written_lines.push_back(*print);
        }
      }
      if (line[0] == '-') ++file->lines_removed;
      continue;
    } else {
      continue;
    }
    if (files == kMaxPatchFiles) {
      file = nullptr;
      continue;
    }
    ++files;
    std::string id(call_id);
    if (files > 1) id += "#" + std::to_string(files);
    out.push_back(call_of(id, "apply_patch", ToolKind::kChange));
    file = &out.back();
    file->file_path.assign(trim(path).substr(0, kMaxPath));
    file->counted = true;
  }
}

void CodexToolReader::add(const CodexCallItem& item, std::vector<ToolCall>& out, int64_t at_ms) {
  if (item.call_id.empty()) return;
  // A response lasts seconds, never an hour: a call that much older than the
  // limit joins a request older than it too.
  constexpr int64_t kCallToRequestMs = 3'600'000;
  LineFingerprinter* fp = fp_;
  if (at_ms != 0 && since_ != INT64_MIN && at_ms < since_ - kCallToRequestMs) fp = nullptr;
  if (item.type == "custom_tool_call") {
    if (item.name == "apply_patch") return add_codex_patch_calls(item.text, item.call_id, out, fp);
    out.push_back(call_of(item.call_id, item.name, ToolKind::kOther));
    return;
  }
  Arguments args;
  args.command = item.command;
  if (item.type == "function_call" && !item.text.empty()) {
    buf_.assign(item.text);
    buf_.append(simdjson::SIMDJSON_PADDING, '\0');
    od::document doc;
    od::object obj;
    if (!parser_.iterate(buf_.data(), item.text.size(), buf_.size()).get(doc) &&
        !doc.get_object().get(obj))
      read_arguments(obj, args);
  }
  const std::string_view name = item.type == "local_shell_call" ? "local_shell" : item.name;
  if (name == "apply_patch" && !args.patch.empty())
    return add_codex_patch_calls(args.patch, item.call_id, out, fp);
  for (std::string_view word : args.command) {
    // A patch given to the shell (`apply_patch <<'EOF' ...`): Codex applies it.
    if (const size_t at = word.find(kBeginPatch); at != std::string_view::npos)
      return add_codex_patch_calls(word.substr(at), item.call_id, out, fp);
  }
  if (!args.command.empty()) {
    out.push_back(call_of(item.call_id, name,
                          is_git_commit(args.command) ? ToolKind::kGitCommit : ToolKind::kOther));
    return;
  }
  ToolCall c = call_of(item.call_id, name, ToolKind::kOther);
  if (name == "view_image" && !args.path.empty()) {
    c.kind = ToolKind::kRead;
    c.file_path.assign(args.path.substr(0, kMaxPath));
  }
  out.push_back(std::move(c));
}

}  // namespace codepulse::tracker
