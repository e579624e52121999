// OpenCode's message and part JSON, field by field (opencode_json.hpp).
#include "tracker/parse/opencode_json.hpp"

#include <cmath>
#include <cstring>

#include "common/line_fingerprint.hpp"
#include "tracker/parse/git_commit_command.hpp"
#include "tracker/parse/json_values_internal.hpp"

namespace codepulse::tracker::opencode {

using namespace parse_internal;

namespace {

// A count written by JavaScript: an integer, or a double holding one.
bool read_number(od::value v, int64_t& out) {
  if (read_count(v, out)) return true;
  double d = 0;
  if (v.get_double().get(d) || !(d >= 0) || d > static_cast<double>(kMaxTokenCount) ||
      d != std::floor(d))
    return false;
  out = static_cast<int64_t>(d);
  return true;
}

// Calls `take(key, value)` for each field of the object `value`; false when
// it is no object or a field is broken.
template <typename Take>
bool each_field(od::value value, Take&& take) {
  od::object obj;
  if (value.get_object().get(obj)) return false;
  for (auto field : obj) {
    od::raw_json_string key;
    od::value v;
    if (!read_field(field, key, v)) return false;
    take(key, v);
  }
  return true;
}

const char* read_tokens(od::value value, Tokens& t) {
  t.present = true;
  const char* broken = nullptr;
  auto count = [&broken](od::value v, int64_t& out, const char* what) {
    if (!broken && !read_number(v, out)) broken = what;
  };
  const bool whole = each_field(value, [&](od::raw_json_string key, od::value v) {
    if (key == "input") {
      count(v, t.input, "tokens.input is not a count");
    } else if (key == "output") {
      count(v, t.output, "tokens.output is not a count");
    } else if (key == "reasoning") {
      count(v, t.reasoning, "tokens.reasoning is not a count");
    } else if (key == "total") {
      int64_t total = 0;
      if (read_number(v, total)) t.total = total;
    } else if (key == "cache") {
      const bool cache = each_field(v, [&](od::raw_json_string k, od::value c) {
        if (k == "read") count(c, t.cache_read, "tokens.cache.read is not a count");
        if (k == "write") count(c, t.cache_write, "tokens.cache.write is not a count");
      });
      if (!cache && !broken) broken = "tokens.cache is not an object";
    }
  });
  return broken ? broken : whole ? nullptr : "tokens is not an object";
}

// A nested object's string field, e.g. path.cwd.
void read_nested_string(od::value value, std::string_view name, std::string& out) {
  each_field(value, [&](od::raw_json_string key, od::value v) {
    if (key == name) read_string(v, out);
  });
}

// A nested object's millisecond time, e.g. time.created.
void read_nested_time(od::value value, std::string_view name, int64_t& out) {
  each_field(value, [&](od::raw_json_string key, od::value v) {
    int64_t ms = 0;
    if (key == name && !v.get_int64().get(ms) && ms > 0) out = ms;
  });
}

// {additions, deletions, ...}: a change's line counts.
bool read_line_counts(od::value value, int64_t& added, int64_t& removed) {
  return each_field(value, [&](od::raw_json_string key, od::value v) {
    if (key == "additions") read_number(v, added);
    if (key == "deletions") read_number(v, removed);
  });
}

bool contains(std::string_view s, std::string_view what) {
  return s.find(what) != std::string_view::npos;
}

}  // namespace

// The raw JSON of a tool call's state fields, read once its name is known.
struct ToolState {
  std::string status;
  std::string_view input, output, metadata;  // raw JSON inside the part's buffer
};

namespace {

const char* read_state(od::value value, ToolState& s) {
  od::object obj;
  if (value.get_object().get(obj)) return "tool state is not an object";
  for (auto field : obj) {
    od::raw_json_string key;
    od::value v;
    if (!read_field(field, key, v)) return "broken tool state object";
    if (key == "status") {
      read_string(v, s.status);
    } else if (key == "input" || key == "metadata") {
      od::object inner;
      std::string_view raw;
      if (v.get_object().get(inner) || inner.raw_json().get(raw)) continue;
      (key == "input" ? s.input : s.metadata) = raw;
    } else if (key == "output") {
      // Kept as raw JSON; only a git commit's first line is ever looked at.
      s.output = v.raw_json_token();
    }
  }
  return nullptr;
}

// "*** Add File: a", "*** Update File: b", "*** Delete File: c" and their +/-
// lines: the files of a patch given as text, and what it adds and removes.
void read_patch_text(std::string_view text, const std::string& id, std::vector<ToolCall>& out,
                     LineFingerprinter* fp, std::vector<int64_t>& added) {
  static constexpr std::string_view kMarkers[] = {
      "*** Add File: ", "*** Update File: ", "*** Delete File: "};
  ToolCall* current = nullptr;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t eol = text.find('\n', pos);
    if (eol == std::string_view::npos) eol = text.size();
    const std::string_view line = text.substr(pos, eol - pos);
    pos = eol + 1;
    bool marker = false;
    for (std::string_view m : kMarkers) {
      if (line.rfind(m, 0) != 0) continue;
      marker = true;
      ToolCall call;
      call.id = out.empty() ? id : id + "#" + std::to_string(out.size());
      call.kind = ToolKind::kChange;
      call.file_path.assign(line.substr(m.size()));
      call.counted = true;
      out.push_back(std::move(call));
      current = &out.back();
    }
    if (marker || !current || line.rfind("***", 0) == 0) continue;
    if (!line.empty() && line[0] == '+') {
      ++current->lines_added;
      if (fp != nullptr) {
        if (auto print = fp->fingerprint(line.substr(1))) added.push_back(*print);
      }
    }
    if (!line.empty() && line[0] == '-') ++current->lines_removed;
  }
}

}  // namespace

TokenCounts to_counts(const Tokens& t) {
  TokenCounts c;
  c.input = t.input;
  c.cache_read = t.cache_read;
  c.cache_write_5m = t.cache_write;
  c.reasoning = t.reasoning;
  const int64_t without_reasoning = t.input + t.output + t.cache_read + t.cache_write;
  const bool inside = t.reasoning > 0 && t.total && *t.total == without_reasoning;
  c.output = inside ? t.output : t.output + t.reasoning;
  return c;
}

std::string model_name(std::string_view provider_id, std::string_view model_id) {
  const bool endpoint = contains(provider_id, "bedrock") || contains(provider_id, "vertex");
  const bool says_so =
      contains(model_id, "/") || contains(model_id, "anthropic.") || contains(model_id, "@");
  if (endpoint && !says_so && !model_id.empty()) {
    std::string m(provider_id);
    m.push_back('/');
    m.append(model_id);
    return m;
  }
  return std::string(model_id);
}

bool part_may_matter(std::string_view json) {
  size_t pos = 0;
  while ((pos = json.find("\"type\"", pos)) != std::string_view::npos) {
    pos += 6;
    size_t i = pos;
    while (i < json.size() && (json[i] == ' ' || json[i] == '\n' || json[i] == '\t'))
      ++i;
    if (i >= json.size() || json[i] != ':') continue;
    ++i;
    while (i < json.size() && (json[i] == ' ' || json[i] == '\n' || json[i] == '\t'))
      ++i;
    const std::string_view v = json.substr(i);
    if (v.rfind("\"step-finish\"", 0) == 0 || v.rfind("\"tool\"", 0) == 0) return true;
  }
  return false;
}

simdjson::padded_string_view JsonReader::padded(std::string_view json) {
  buffer_.assign(json);
  buffer_.append(simdjson::SIMDJSON_PADDING, '\0');
  return simdjson::padded_string_view(buffer_.data(), json.size(), buffer_.size());
}

const char* JsonReader::message(std::string_view json, MessageFields& m) {
  od::document doc;
  if (auto err = parser_.iterate(padded(json)).get(doc)) return simdjson::error_message(err);
  od::object top;
  if (doc.get_object().get(top)) return "not a JSON object";
  for (auto field : top) {
    od::raw_json_string key;
    od::value v;
    if (auto err = field.key().get(key)) return simdjson::error_message(err);
    if (auto err = field.value().get(v)) return simdjson::error_message(err);
    if (key == "id") {
      read_string(v, m.id);
    } else if (key == "sessionID") {
      read_string(v, m.session_id);
    } else if (key == "role") {
      read_string(v, m.role);
    } else if (key == "parentID") {
      read_string(v, m.parent_id);
    } else if (key == "modelID") {
      read_string(v, m.model_id);
    } else if (key == "providerID") {
      read_string(v, m.provider_id);
    } else if (key == "path") {
      read_nested_string(v, "cwd", m.cwd);
    } else if (key == "time") {
      read_nested_time(v, "created", m.created_ms);
    } else if (key == "tokens") {
      if (const char* broken = read_tokens(v, m.tokens)) return broken;
    }
    // system (the prompt), summary (diffs), error: never read.
  }
  return nullptr;
}

const char* JsonReader::part(std::string_view json, PartFields& p) {
  od::document doc;
  if (auto err = parser_.iterate(padded(json)).get(doc)) return simdjson::error_message(err);
  od::object top;
  if (doc.get_object().get(top)) return "not a JSON object";
  std::string type, tool, call_id;
  ToolState state;
  for (auto field : top) {
    od::raw_json_string key;
    od::value v;
    if (auto err = field.key().get(key)) return simdjson::error_message(err);
    if (auto err = field.value().get(v)) return simdjson::error_message(err);
    if (key == "type") {
      read_string(v, type);
    } else if (key == "tokens") {
      if (const char* broken = read_tokens(v, p.tokens)) return broken;
    } else if (key == "tool") {
      read_string(v, tool);
    } else if (key == "callID") {
      read_string(v, call_id);
    } else if (key == "state") {
      if (const char* broken = read_state(v, state)) return broken;
    }
    // text, snapshot, reason, cost: never read.
  }
  if (type == "step-finish") {
    if (!p.tokens.present) return "step-finish without tokens";
    p.kind = PartKind::kStepFinish;
    return nullptr;
  }
  if (type != "tool" || tool.empty()) return nullptr;
  p.kind = PartKind::kTool;
  p.finished = state.status == "completed" || state.status == "error";
  tool_calls(tool, call_id, state, p);
  return nullptr;
}

bool JsonReader::inner_document(std::string_view raw) {
  if (raw.empty()) return false;
  // `raw` lies inside buffer_, whose padding follows it.
  const size_t capacity = static_cast<size_t>(buffer_.data() + buffer_.size() - raw.data());
  return !inner_.iterate(raw.data(), raw.size(), capacity).get(inner_doc_);
}

bool JsonReader::inner_value(std::string_view raw, od::value& out) {
  return inner_document(raw) && !inner_doc_.get_value().get(out);
}

// The input's file, and what a command or a text is, read to be tested or
// counted, never kept: whether a command is a git commit, a new file's
// lines, a patch's files and lines.
void JsonReader::read_input(const std::string& tool, const std::string& call_id,
                            std::string_view raw, ToolInput& in) {
  od::value value;
  if (!inner_value(raw, value)) return;
  each_field(value, [&](od::raw_json_string key, od::value v) {
    std::string_view text;
    if (key == "filePath") {
      read_string(v, in.file_path);
    } else if (key == "command" && tool == "bash" && !v.get_string().get(text)) {
      in.git_commit = is_git_commit_command(text);
    } else if (key == "content" && tool == "write" && !v.get_string().get(text)) {
      in.content_lines = count_lines(text);
      if (fp_ != nullptr) in.change.add_after(text);
    } else if (key == "patchText" && !v.get_string().get(text)) {
      read_patch_text(text, call_id, in.patch_files, fp_, in.patch_added);
    } else if (key == "oldString") {
      read_before(v, fp_, in.change);
    } else if (key == "newString") {
      read_after(v, fp_, in.change);
    } else if (key == "edits" && tool == "multiedit" && fp_ != nullptr) {
      od::array edits;
      if (v.get_array().get(edits)) return;
      for (auto e : edits) {
        od::value edit;
        if (e.get(edit)) continue;
        WrittenLines one;
        each_field(edit, [&](od::raw_json_string k, od::value ev) {
          if (k == "oldString") read_before(ev, fp_, one);
          if (k == "newString") read_after(ev, fp_, one);
        });
        for (int64_t print : one.written(*fp_))
          in.edited.push_back(print);
      }
    }
  });
}

// What a finished call's metadata says it did: a file made, a change's
// lines, a patch's files.
void JsonReader::read_metadata(const std::string& call_id, std::string_view raw, ToolMetadata& m) {
  od::value value;
  if (!inner_value(raw, value)) return;
  each_field(value, [&](od::raw_json_string key, od::value v) {
    if (key == "exists") {
      bool exists = true;
      if (!v.get_bool().get(exists)) m.created = !exists;
    } else if (key == "filediff") {
      m.counted = read_line_counts(v, m.added, m.removed);
    } else if (key == "files") {
      od::array files;
      if (v.get_array().get(files)) return;
      for (auto f : files) {
        od::value file;
        if (f.get(file)) continue;
        ToolCall c;
        c.id = m.files.empty() ? call_id : call_id + "#" + std::to_string(m.files.size());
        c.kind = ToolKind::kChange;
        std::string moved;
        each_field(file, [&](od::raw_json_string k, od::value fv) {
          if (k == "filePath") read_string(fv, c.file_path);
          if (k == "movePath") read_string(fv, moved);
          if (k == "additions") read_number(fv, c.lines_added);
          if (k == "deletions") read_number(fv, c.lines_removed);
        });
        if (!moved.empty()) c.file_path = std::move(moved);
        m.files.push_back(std::move(c));
      }
    }
  });
}

// A tool call's allowlisted facts: its name, the file it names, whether a
// command is a git commit (and the sha it printed), the lines a change adds
// and removes.
void JsonReader::tool_calls(const std::string& tool, const std::string& call_id,
                            const ToolState& state, PartFields& p) {
  const bool completed = state.status == "completed";
  ToolInput in;
  read_input(tool, call_id, state.input, in);
  ToolMetadata done;
  if (completed) read_metadata(call_id, state.metadata, done);
  if (tool == "apply_patch" || tool == "patch") {
    std::vector<ToolCall>& files = done.files.empty() ? in.patch_files : done.files;
    for (ToolCall& f : files) {
      f.name = tool;
      f.counted = p.finished;
      f.failed = state.status == "error";
      if (!completed) f.lines_added = f.lines_removed = 0;  // a failed patch changed nothing
      p.calls.push_back(std::move(f));
    }
    // The patch's added lines, once, on its first file's call (the line
    // store matches by content, whatever the file).
    if (completed && !files.empty() && !in.patch_added.empty())
      p.calls[p.calls.size() - files.size()].written_lines = std::move(in.patch_added);
    if (!p.calls.empty()) return;
  }
  ToolCall call;
  call.id = call_id;
  call.name = tool;
  call.failed = state.status == "error";
  if (tool == "bash" && in.git_commit) {
    call.kind = ToolKind::kGitCommit;
    call.counted = p.finished;
    std::string_view out;  // only its first line is looked at
    if (completed && inner_document(state.output) && !inner_doc_.get_string().get(out))
      call.commit_sha = extract_commit_sha(out);
  } else if (tool == "read") {
    call.kind = ToolKind::kRead;
  } else if (tool == "edit" || tool == "multiedit" || tool == "write") {
    call.kind = ToolKind::kChange;
    call.counted = p.finished;
    if (completed && tool == "write" && done.created) call.lines_added = in.content_lines;
    if (completed && tool != "write" && done.counted) {
      call.lines_added = done.added;
      call.lines_removed = done.removed;
    }
    if (completed) {  // a failed or running call wrote nothing (yet)
      if (fp_ != nullptr) call.written_lines = in.change.written(*fp_);
      call.written_lines.insert(call.written_lines.end(), in.edited.begin(), in.edited.end());
    }
  }
  if (call.kind != ToolKind::kOther) call.file_path = std::move(in.file_path);
  p.calls.push_back(std::move(call));
}

}  // namespace codepulse::tracker::opencode
