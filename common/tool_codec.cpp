#include "common/tool_codec.hpp"

#include <simdjson.h>

#include <charconv>

#include "common/json_writer.hpp"

namespace codepulse {

namespace {

void append_int(std::string& out, int64_t v) {
  char buf[24];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, end);
}

}  // namespace

// Written straight, keys as literals: a cold scan encodes every record's
// calls, and the general JsonWriter (a separator state per container, each
// key escaped) was 3% of it. A field at its default (empty, 0) is left out:
// most calls have no path, action, counts or commit, and writing them all
// made a call 150 bytes where 60 say the same (a quarter of a stored
// record). Stores written before keep every field; both read the same.
std::string encode_tools(const std::vector<ToolUse>& tools) {
  std::string out;
  out.reserve(2 + tools.size() * 80);
  out.push_back('[');
  for (const ToolUse& t : tools) {
    if (out.size() > 1) out.push_back(',');
    out.append("{\"id\":");
    append_json_string(out, t.tool_use_id);
    out.append(",\"name\":");
    append_json_string(out, t.name);
    if (!t.path.empty()) {
      out.append(",\"path\":");
      append_json_string(out, t.path);
    }
    if (t.action) {
      out.append(",\"action\":");
      append_int(out, static_cast<int64_t>(*t.action));
    }
    if (t.git_commit) out.append(",\"commit\":1");
    if (t.result_seen) out.append(",\"seen\":1");
    if (t.lines_added != 0) {
      out.append(",\"added\":");
      append_int(out, t.lines_added);
    }
    if (t.lines_removed != 0) {
      out.append(",\"removed\":");
      append_int(out, t.lines_removed);
    }
    if (!t.commit_sha.empty()) {
      out.append(",\"sha\":");
      append_json_string(out, t.commit_sha);
    }
    if (t.error) out.append(",\"error\":1");
    out.push_back('}');
  }
  out.push_back(']');
  return out;
}

namespace {

// A count that may be left out (its default, 0); present, it must be an
// integer.
bool read_count(simdjson::dom::element e, const char* key, int64_t& v) {
  auto field = e[key];
  if (field.error() == simdjson::NO_SUCH_FIELD) return true;
  return !field.get_int64().get(v);
}

bool read_text(simdjson::dom::element e, const char* key, std::string& v) {
  auto field = e[key];
  if (field.error() == simdjson::NO_SUCH_FIELD) return true;
  std::string_view s;
  if (field.get_string().get(s)) return false;
  v = std::string(s);
  return true;
}

}  // namespace

Result<std::vector<ToolUse>> decode_tools(std::string_view json) {
  std::vector<ToolUse> tools;
  if (json.empty() || json == "[]") return tools;
  simdjson::dom::parser parser;
  simdjson::padded_string padded(json);
  simdjson::dom::array arr;
  if (parser.parse(padded).get_array().get(arr))
    return make_error("stored tool calls are not a JSON array");
  for (simdjson::dom::element e : arr) {
    ToolUse t;
    std::string_view s;
    int64_t action = 0, commit = 0, seen = 0, error = 0;
    if (e["id"].get_string().get(s)) return make_error("stored tool call without id");
    t.tool_use_id = std::string(s);
    if (!read_text(e, "name", t.name) || !read_text(e, "path", t.path) ||
        !read_text(e, "sha", t.commit_sha))
      return make_error("stored tool call " + t.tool_use_id + " has a name, path or sha " +
                        "that is not a string");
    if (!read_count(e, "action", action) || !read_count(e, "commit", commit) ||
        !read_count(e, "seen", seen) || !read_count(e, "added", t.lines_added) ||
        !read_count(e, "removed", t.lines_removed) || !read_count(e, "error", error))
      return make_error("stored tool call " + t.tool_use_id + " has a count that is not an " +
                        "integer");
    if (action == 1 || action == 2) t.action = static_cast<FileAction>(action);
    t.git_commit = commit != 0;
    t.result_seen = seen != 0;
    t.error = error != 0;
    tools.push_back(std::move(t));
  }
  return tools;
}

bool result_adds_to(const ToolUse& t, int64_t added, int64_t removed, std::string_view sha) {
  if (!t.result_seen) return true;
  const bool counted = t.lines_added != 0 || t.lines_removed != 0 || !t.commit_sha.empty();
  return !counted && (added != 0 || removed != 0 || !sha.empty());
}

bool merge_tools(std::vector<ToolUse>& into, const std::vector<ToolUse>& from) {
  bool changed = false;
  for (const ToolUse& t : from) {
    ToolUse* same = nullptr;
    for (ToolUse& mine : into)
      if (mine.tool_use_id == t.tool_use_id) same = &mine;
    if (!same) {
      into.push_back(t);
      changed = true;
    } else if (t.result_seen &&
               result_adds_to(*same, t.lines_added, t.lines_removed, t.commit_sha)) {
      same->result_seen = true;
      same->lines_added = t.lines_added;
      same->lines_removed = t.lines_removed;
      same->commit_sha = t.commit_sha;
      same->error = t.error;
      changed = true;
    }
  }
  return changed;
}

}  // namespace codepulse
