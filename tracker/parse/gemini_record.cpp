// The reader of a Gemini CLI session record (gemini_record.hpp): a message's
// ids, model, tokens and tool calls; a header's and a $set's session id and
// the messages they restate.
#include "tracker/parse/gemini_record.hpp"

#include <algorithm>
#include <string_view>
#include <utility>

#include "common/line_fingerprint.hpp"
#include "common/time.hpp"
#include "tracker/parse/git_commit_command.hpp"
#include "tracker/parse/json_values_internal.hpp"

namespace codepulse::tracker {

using namespace parse_internal;

namespace {

// What a tool call holds that we keep: its id, name and status, a file path
// (or read_many_files' literal paths), whether its command is a git commit
// (the command is not kept), and from its result the line counts of a change
// and the sha a commit printed.
struct ToolCallFields {
  std::string id, name, status, path, commit_sha;
  std::vector<std::string> paths;
  bool git_commit = false;
  bool has_counts = false;
  int64_t added = 0, removed = 0;
  // Line provenance: replace's old_string (before) and write_file's
  // content or replace's new_string (after).
  WrittenLines change;
};

// A path, not a glob pattern.
bool is_literal_path(std::string_view s) {
  return !s.empty() && s.find_first_of("*?[{") == std::string_view::npos;
}

// args: file_path (write_file, replace, read_file), command
// (run_shell_command), include (read_many_files), and with a fingerprinter
// content (write_file), old_string and new_string (replace). False on a
// broken field.
bool read_args(od::object args, ToolCallFields& t, LineFingerprinter* fp) {
  for (auto field : args) {
    od::raw_json_string key;
    od::value v;
    if (!read_field(field, key, v)) return false;
    if (key == "content" || key == "new_string") {
      read_after(v, fp, t.change);
    } else if (key == "old_string") {
      read_before(v, fp, t.change);
    } else if (key == "file_path") {
      read_string(v, t.path);
    } else if (key == "command") {
      std::string_view cmd;  // only whether it is a git commit is kept
      if (!v.get_string().get(cmd)) t.git_commit = is_git_commit_command(cmd);
    } else if (key == "include") {
      od::array list;
      if (v.get_array().get(list)) continue;
      for (auto entry : list) {
        if (entry.error()) return false;
        std::string_view s;
        if (!entry.get_string().get(s) && is_literal_path(s)) t.paths.emplace_back(s);
      }
    }
  }
  return true;
}

// resultDisplay: a change's {diffStat: {model_added_lines, ...}} (the lines
// the model's edit added and removed; what the user then changed in an
// editor is not the model's), or a command's output, of which only the sha
// of a git commit's first line is kept. False on a broken field.
bool read_result_display(od::value v, ToolCallFields& t) {
  od::json_type type;
  if (v.type().get(type)) return false;
  if (type == od::json_type::string) {
    std::string_view out;
    if (t.git_commit && !v.get_string().get(out)) t.commit_sha = extract_commit_sha(out);
    return true;
  }
  od::object display;
  if (type != od::json_type::object || v.get_object().get(display)) return true;
  for (auto field : display) {
    od::raw_json_string key;
    od::value d;
    if (!read_field(field, key, d)) return false;
    if (key != "diffStat") continue;
    od::object stat;
    if (d.get_object().get(stat)) continue;
    for (auto s : stat) {
      od::raw_json_string k;
      od::value n;
      if (!read_field(s, k, n)) return false;
      if (k == "model_added_lines") {
        t.has_counts = read_count(n, t.added) || t.has_counts;
      } else if (k == "model_removed_lines") {
        read_count(n, t.removed);
      }
    }
  }
  return true;
}

// One toolCalls entry becomes ToolCalls. Gemini CLI records a call once it
// has completed (status success, error or cancelled), its result with it:
// a change or commit is counted from that result at once.
void add_tool_call(ToolCallFields& f, std::vector<ToolCall>& out, LineFingerprinter* fp) {
  if (f.id.empty() || f.name.empty()) return;
  const bool succeeded = f.status == "success";
  ToolCall call;
  call.id = std::move(f.id);
  call.name = f.name;
  call.failed = f.status == "error";  // "cancelled" (by the user) is no failure
  if (f.name == "write_file" || f.name == "replace" || f.name == "edit") {
    call.kind = ToolKind::kChange;
    call.file_path = std::move(f.path);
    call.counted = true;
    if (succeeded && f.has_counts) {
      call.lines_added = f.added;
      call.lines_removed = f.removed;
    }
    // A change that failed or was cancelled wrote nothing.
    if (succeeded && fp != nullptr) call.written_lines = f.change.written(*fp);
  } else if (f.name == "read_file") {
    call.kind = ToolKind::kRead;
    call.file_path = std::move(f.path);
  } else if (f.name == "read_many_files" && !f.paths.empty()) {
    // One read per literal path (glob patterns name no file): the first
    // under the call's id, the others under "<id>#<n>".
    call.kind = ToolKind::kRead;
    for (size_t i = 0; i < f.paths.size(); ++i) {
      ToolCall read = call;
      if (i > 0) read.id += "#" + std::to_string(i);
      read.file_path = std::move(f.paths[i]);
      out.push_back(std::move(read));
    }
    return;
  } else if (f.name == "run_shell_command" && f.git_commit) {
    call.kind = ToolKind::kGitCommit;
    call.counted = true;
    if (succeeded) call.commit_sha = std::move(f.commit_sha);
  }
  out.push_back(std::move(call));
}

// One toolCalls entry. False on a broken field.
bool read_tool_call(od::object entry, std::vector<ToolCall>& out, LineFingerprinter* fp) {
  ToolCallFields f;
  for (auto field : entry) {
    od::raw_json_string key;
    od::value v;
    if (!read_field(field, key, v)) return false;
    if (key == "id") {
      read_string(v, f.id);
    } else if (key == "name") {
      read_string(v, f.name);
    } else if (key == "status") {
      read_string(v, f.status);
    } else if (key == "args") {
      od::object args;
      if (!v.get_object().get(args) && !read_args(args, f, fp)) return false;
    } else if (key == "resultDisplay") {
      if (!read_result_display(v, f)) return false;
    }
  }
  add_tool_call(f, out, fp);
  return true;
}

// tokens: null until the response's usage arrived, else the counts.
void read_tokens(od::value v, GeminiMessage& m) {
  bool null = false;
  if (v.is_null().get(null)) {
    m.has_tokens = true;
    m.tokens_valid = false;
    return;
  }
  if (null) return;
  m.has_tokens = true;
  od::object tokens;
  if (v.get_object().get(tokens)) {
    m.tokens_valid = false;
    return;
  }
  for (auto field : tokens) {
    od::raw_json_string key;
    od::value n;
    if (!read_field(field, key, n)) {
      m.tokens_valid = false;
      return;
    }
    bool ok = true;
    if (key == "input") {
      ok = read_nullable_count(n, m.input);
    } else if (key == "output") {
      ok = read_nullable_count(n, m.output);
    } else if (key == "cached") {
      ok = read_nullable_count(n, m.cached);
    } else if (key == "thoughts") {
      ok = read_nullable_count(n, m.thoughts);
    } else if (key == "tool") {
      ok = read_nullable_count(n, m.tool);
    } else if (key == "total") {
      m.has_total = true;
      ok = read_nullable_count(n, m.total);
    }
    if (!ok) m.tokens_valid = false;
  }
}

// content: a string, or parts ({text}, {functionResponse}, ...). True when
// it has text (its text is not read). False on a broken field.
bool content_has_text(od::value v, bool& text) {
  od::json_type type;
  if (v.type().get(type)) return false;
  if (type == od::json_type::string) {
    text = true;
    return true;
  }
  od::array parts;
  if (type != od::json_type::array || v.get_array().get(parts)) return true;
  for (auto part : parts) {
    od::object p;
    if (part.error()) return false;
    if (part.get_object().get(p)) continue;
    for (auto field : p) {
      od::raw_json_string key;
      od::value unused;
      if (!read_field(field, key, unused)) return false;
      if (key == "text") text = true;
    }
  }
  return true;
}

// A field of a message; false when it is broken.
bool read_message_field(od::raw_json_string key, od::value v, GeminiMessage& m, bool& text,
                        LineFingerprinter* fp) {
  if (key == "id") {
    read_string(v, m.id);
  } else if (key == "timestamp") {
    std::string_view ts;
    m.has_time = true;
    if (!v.get_string().get(ts)) {
      const auto ms = parse_iso8601_utc_ms(ts);
      m.time_valid = ms.has_value();
      m.ts_ms = ms.value_or(0);
    }
  } else if (key == "type") {
    std::string_view type;
    if (!v.get_string().get(type))
      m.type = type == "gemini" ? GeminiMessage::Type::kGemini
               : type == "user" ? GeminiMessage::Type::kUser
                                : GeminiMessage::Type::kOther;
  } else if (key == "model") {
    read_string(v, m.model);
  } else if (key == "tokens") {
    read_tokens(v, m);
  } else if (key == "content") {
    return content_has_text(v, text);
  } else if (key == "toolCalls") {
    od::array calls;
    if (v.get_array().get(calls)) return true;
    for (auto c : calls) {
      od::object call;
      if (c.error()) return false;
      if (c.get_object().get(call)) continue;
      if (!read_tool_call(call, m.tools, fp)) return false;
    }
  }
  return true;
}

// A messages array; what is broken, or nullptr.
const char* read_messages(od::value v, std::vector<GeminiMessage>& out, LineFingerprinter* fp) {
  od::array list;
  if (v.get_array().get(list)) return nullptr;
  for (auto entry : list) {
    od::object obj;
    if (entry.error()) return "broken messages array";
    if (entry.get_object().get(obj)) continue;
    GeminiMessage m;
    bool text = false;
    for (auto field : obj) {
      od::raw_json_string key;
      od::value v2;
      if (!read_field(field, key, v2) || !read_message_field(key, v2, m, text, fp))
        return "broken message in a messages array";
    }
    m.prompt = text && m.type == GeminiMessage::Type::kUser;
    // Only what can start a turn or be billed is kept.
    if (m.prompt || m.type == GeminiMessage::Type::kGemini) out.push_back(std::move(m));
  }
  return nullptr;
}

// A $set object: sessionId and messages (a checkpoint); the rest (times,
// summary, directories, memory) is not read.
const char* read_set(od::object set, GeminiRecord& r) {
  for (auto field : set) {
    od::raw_json_string key;
    od::value v;
    if (!read_field(field, key, v)) return "broken $set object";
    if (key == "sessionId") {
      read_string(v, r.session_id);
    } else if (key == "messages") {
      if (const char* broken = read_messages(v, r.restated, r.fingerprinter)) return broken;
    }
  }
  return nullptr;
}

}  // namespace

const char* read_gemini_record(od::object top, GeminiRecord& r) {
  bool text = false;
  for (auto field : top) {
    od::raw_json_string key;
    od::value v;
    if (!read_field(field, key, v)) return "broken object";
    if (key == "sessionId") {
      r.header = true;
      read_string(v, r.session_id);
    } else if (key == "kind") {
      std::string_view kind;
      if (!v.get_string().get(kind)) r.subagent = kind == "subagent";
    } else if (key == "messages") {
      if (const char* broken = read_messages(v, r.restated, r.fingerprinter)) return broken;
    } else if (key == "$set") {
      od::object set;
      r.set = true;
      if (v.get_object().get(set)) continue;
      if (const char* broken = read_set(set, r)) return broken;
    } else {
      if (key == "id") r.message = true;
      if (!read_message_field(key, v, r.msg, text, r.fingerprinter)) return "broken message";
    }
  }
  r.msg.prompt = text && r.msg.type == GeminiMessage::Type::kUser;
  return nullptr;
}

TokenCounts gemini_tokens(const GeminiMessage& m) {
  TokenCounts t;
  const bool cached_outside =
      m.cached > 0 && m.has_total && m.total == m.input + m.output + m.thoughts + m.tool + m.cached;
  const int64_t uncached = cached_outside ? m.input : std::max<int64_t>(0, m.input - m.cached);
  t.input = uncached + m.tool;
  t.cache_read = m.cached;
  t.output = m.output + m.thoughts;
  t.reasoning = m.thoughts;
  return t;
}

}  // namespace codepulse::tracker
