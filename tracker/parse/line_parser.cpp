#include "tracker/parse/line_parser.hpp"

#include <cstring>

#include "common/time.hpp"
#include "common/utf8.hpp"
#include "tracker/parse/marker_search.hpp"

namespace codepulse::tracker {
namespace {

namespace od = simdjson::ondemand;

// Markers are looked for in windows: the envelope keys ("type", a tool
// result's "tool_use_id") sit in the first bytes of a line, an assistant
// line's "usage" in its last ones; only a line the windows do not explain is
// searched whole for "usage".
constexpr size_t kHeadWindow = 2048;
constexpr size_t kTailWindow = 4096;

// The tool_use_id of a tool_result line, searched in `window`.
std::string_view find_tool_use_id(std::string_view window) {
  static constexpr std::string_view kKey = "\"tool_use_id\":";
  const size_t hit = find_marker(window, kKey);
  if (hit == std::string_view::npos) return {};
  size_t pos = hit + kKey.size();
  while (pos < window.size() && window[pos] == ' ')
    ++pos;
  if (pos >= window.size() || window[pos] != '"') return {};
  const size_t start = pos + 1;
  const size_t end = window.find('"', start);
  if (end == std::string_view::npos) return {};
  return window.substr(start, end - start);
}

// No request reads or writes a billion tokens (the largest context is a
// million): a bigger count is a broken line, and would overflow its price.
constexpr int64_t kMaxTokenCount = 1'000'000'000;

bool read_count(od::value v, int64_t& out) {
  int64_t x = 0;
  if (v.get_int64().get(x) || x < 0 || x > kMaxTokenCount) return false;
  out = x;
  return true;
}

// null reads as absent; anything else must be a count. (is_null() is asked
// with get(): on a broken token it is an error, not an exception.)
bool read_nullable_count(od::value v, int64_t& out) {
  bool null = false;
  if (v.is_null().get(null)) return false;
  return null || read_count(v, out);
}

bool read_string(od::value v, std::string& out) {
  std::string_view s;
  if (v.get_string().get(s)) return false;
  out.assign(s);
  return true;
}

struct UsageFields {
  bool present = false;
  bool valid = true;
  bool has_breakdown = false;
  int64_t input = 0, output = 0, cache_creation_total = 0, cache_read = 0;
  int64_t c5m = 0, c1h = 0, web_search = 0;
  bool have_input = false, have_output = false;
  bool fast = false;
};

void parse_usage(od::object usage, UsageFields& u) {
  u.present = true;
  for (auto field : usage) {
    od::raw_json_string key;
    od::value v;
    if (field.key().get(key) || field.value().get(v)) {
      u.valid = false;
      return;
    }
    if (key == "input_tokens") {
      u.valid &= read_count(v, u.input);
      u.have_input = true;
    } else if (key == "output_tokens") {
      u.valid &= read_count(v, u.output);
      u.have_output = true;
    } else if (key == "cache_creation_input_tokens") {
      u.valid &= read_nullable_count(v, u.cache_creation_total);
    } else if (key == "cache_read_input_tokens") {
      u.valid &= read_nullable_count(v, u.cache_read);
    } else if (key == "cache_creation") {
      od::object cc;
      if (v.get_object().get(cc)) continue;  // null or not an object: no breakdown
      u.has_breakdown = true;
      for (auto f2 : cc) {
        od::raw_json_string k2;
        od::value v2;
        if (f2.key().get(k2) || f2.value().get(v2)) {
          u.valid = false;
          return;
        }
        if (k2 == "ephemeral_5m_input_tokens")
          u.valid &= read_count(v2, u.c5m);
        else if (k2 == "ephemeral_1h_input_tokens")
          u.valid &= read_count(v2, u.c1h);
      }
    } else if (key == "server_tool_use") {
      od::object stu;
      if (v.get_object().get(stu)) continue;
      for (auto f2 : stu) {
        od::raw_json_string k2;
        od::value v2;
        if (f2.key().get(k2) || f2.value().get(v2)) {
          u.valid = false;
          return;
        }
        if (k2 == "web_search_requests") u.valid &= read_count(v2, u.web_search);
      }
    } else if (key == "speed") {
      std::string_view s;
      if (!v.get_string().get(s)) u.fast = (s == "fast");
    }
  }
}

ToolKind tool_kind(std::string_view name) {
  if (name == "Read" || name == "NotebookRead") return ToolKind::kRead;
  if (name == "Edit" || name == "Write" || name == "MultiEdit" || name == "NotebookEdit")
    return ToolKind::kChange;
  return ToolKind::kOther;
}

struct MessageFields {
  std::string id, model, role;
  UsageFields usage;
  bool content_is_string = false;
  bool has_text_block = false;
  std::vector<ToolCall> tools;
  std::vector<std::string> tool_result_ids;
  bool ok = true;
};

void parse_content_block(od::object block, MessageFields& m) {
  // Blocks are tool_use, tool_result, text, thinking, image, ...; fields come in
  // any order, so collect the few we need and decide at the end.
  std::string_view type;
  std::string tool_use_id;
  std::string id, name, skill, path;
  bool git_commit = false;
  for (auto field : block) {
    od::raw_json_string key;
    od::value v;
    if (field.key().get(key) || field.value().get(v)) {
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
    } else if (key == "id") {
      read_string(v, id);
    } else if (key == "name") {
      read_string(v, name);
    } else if (key == "input") {
      od::object input;
      if (v.get_object().get(input)) continue;
      for (auto f2 : input) {
        od::raw_json_string k2;
        od::value v2;
        if (f2.key().get(k2) || f2.value().get(v2)) {
          m.ok = false;
          return;
        }
        if (k2 == "file_path" || k2 == "notebook_path") {
          read_string(v2, path);
        } else if (k2 == "skill") {
          read_string(v2, skill);
        } else if (k2 == "command") {
          std::string_view cmd;  // only whether it is a git commit is kept
          if (!v2.get_string().get(cmd)) git_commit = is_git_commit_command(cmd);
        }
      }
    }
  }
  if (type == "tool_result" && !tool_use_id.empty()) {
    m.tool_result_ids.push_back(std::move(tool_use_id));
  } else if (type == "tool_use" && !id.empty() && !name.empty()) {
    ToolCall call;
    call.id = std::move(id);
    call.kind = tool_kind(name);
    if (name == "Bash" && git_commit) call.kind = ToolKind::kGitCommit;
    if (call.kind == ToolKind::kRead || call.kind == ToolKind::kChange) call.file_path = path;
    call.name = tool_count_name(name, skill);
    m.tools.push_back(std::move(call));
  }
}

void parse_message(od::object msg, MessageFields& m) {
  for (auto field : msg) {
    od::raw_json_string key;
    od::value v;
    if (field.key().get(key) || field.value().get(v)) {
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
      if (!v.get_object().get(usage)) parse_usage(usage, m.usage);
    } else if (key == "content") {
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
          parse_content_block(block, m);
          if (!m.ok) return;
        }
      }
    }
  }
}

int64_t count_lines(std::string_view text) {
  if (text.empty()) return 0;
  int64_t n = 0;
  for (char c : text)
    n += (c == '\n');
  return text.back() == '\n' ? n : n + 1;
}

struct ToolResultFields {
  bool present = false;
  bool is_create = false;
  int64_t create_lines = 0;
  int64_t added = 0, removed = 0;
  bool has_patch = false;
  std::string commit_sha;
};

void parse_tool_result(od::object obj, ToolKind kind, ToolResultFields& r) {
  r.present = true;
  for (auto field : obj) {
    od::raw_json_string key;
    od::value v;
    if (field.key().get(key) || field.value().get(v)) return;
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
        for (auto h : hunks) {
          od::object hunk;
          if (h.get_object().get(hunk)) continue;
          for (auto hf : hunk) {
            od::raw_json_string hk;
            od::value hv;
            if (hf.key().get(hk) || hf.value().get(hv)) return;
            if (!(hk == "lines")) continue;
            od::array lines;
            if (hv.get_array().get(lines)) continue;
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
      }
    } else if (kind == ToolKind::kGitCommit && key == "stdout") {
      std::string_view out;
      if (!v.get_string().get(out)) r.commit_sha = extract_commit_sha(out);
    }
  }
}

}  // namespace

bool is_git_commit_command(std::string_view cmd) {
  // Each shell command segment: skip VAR=value prefixes; if the program is
  // git, its first non-option word is the subcommand.
  size_t pos = 0;
  while (pos <= cmd.size()) {
    size_t end = cmd.find_first_of(";&|\n(", pos);
    if (end == std::string_view::npos) end = cmd.size();
    std::string_view seg = cmd.substr(pos, end - pos);
    pos = end + 1;
    std::vector<std::string_view> words;
    size_t i = 0;
    while (i < seg.size()) {
      while (i < seg.size() && (seg[i] == ' ' || seg[i] == '\t'))
        ++i;
      const size_t start = i;
      while (i < seg.size() && seg[i] != ' ' && seg[i] != '\t')
        ++i;
      if (i > start) words.push_back(seg.substr(start, i - start));
    }
    size_t w = 0;
    while (w < words.size() && words[w].find('=') != std::string_view::npos && words[w][0] != '-')
      ++w;
    if (w < words.size() && words[w] == "sudo") ++w;
    if (w >= words.size() || words[w] != "git") continue;
    for (++w; w < words.size(); ++w) {
      const std::string_view word = words[w];
      if (word == "-C" || word == "-c" || word == "--git-dir" || word == "--work-tree" ||
          word == "--namespace") {
        ++w;  // option with a separate value
        continue;
      }
      if (!word.empty() && word[0] == '-') continue;
      if (word == "commit") return true;
      break;
    }
  }
  return false;
}

std::string extract_commit_sha(std::string_view out) {
  // First line: "[branch sha] subject" or "[branch (root-commit) sha] subject".
  if (out.empty() || out[0] != '[') return {};
  const size_t close = out.find(']');
  const size_t eol = out.find('\n');
  if (close == std::string_view::npos || (eol != std::string_view::npos && eol < close)) return {};
  std::string_view inside = out.substr(1, close - 1);
  const size_t sp = inside.rfind(' ');
  if (sp == std::string_view::npos) return {};
  std::string_view sha = inside.substr(sp + 1);
  if (sha.size() < 7 || sha.size() > 40) return {};
  for (char c : sha)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return {};
  return std::string(sha);
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

LineClass classify_line(std::string_view line, const PendingTools& pending) {
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t'))
    line.remove_suffix(1);
  size_t lead = 0;
  while (lead < line.size() && (line[lead] == ' ' || line[lead] == '\t'))
    ++lead;
  line.remove_prefix(lead);
  if (line.empty()) return LineClass::kSkip;
  if (line.front() != '{') return LineClass::kNotObject;
  const bool small = line.size() <= kTailWindow;  // the tail window is the whole line
  const std::string_view head = line.substr(0, kHeadWindow);
  const std::string_view tail = small ? line : line.substr(line.size() - kTailWindow);
  // Usage first: a request line is never skipped for what else it holds.
  if (has_marker(tail, "\"usage\"")) return LineClass::kParse;
  if (const std::string_view tid = find_tool_use_id(head); !tid.empty()) {
    // A tool result: needed only for tools whose result we track.
    if (pending.find(tid) != pending.end()) return LineClass::kParse;
  } else if ((!small && has_marker(line, "\"usage\"")) || has_marker(head, "\"user\"")) {
    return LineClass::kParse;  // a request, or maybe a prompt that starts a turn
  }
  // Not parsed: a cheap shape check still catches torn and garbage lines.
  size_t k = 1;
  while (k < line.size() && (line[k] == ' ' || line[k] == '\t'))
    ++k;
  if (line.back() != '}' || k >= line.size() || (line[k] != '"' && line[k] != '}'))
    return LineClass::kBroken;
  return LineClass::kSkip;
}

const ParsedLine& LineParser::parse(std::string_view line, size_t capacity,
                                    const PendingTools& pending) {
  out_.error.clear();
  out_.prompt_uuid.clear();
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t'))
    line.remove_suffix(1);
  size_t lead = 0;
  while (lead < line.size() && (line[lead] == ' ' || line[lead] == '\t'))
    ++lead;
  line.remove_prefix(lead);
  capacity -= lead;
  out_.kind = parse_document(line.data(), line.size(), capacity, pending);
  // One huge line must not keep its buffers for the life of the daemon.
  if (parser_.capacity() > (8u << 20)) parser_ = simdjson::ondemand::parser{};
  if (out_.kind == LineKind::kMalformed && out_.error == "invalid UTF-8") {
    // A corrupt byte inside some text must not lose the request around it:
    // parse a copy with invalid bytes replaced (only ids and numbers are kept).
    repaired_ = replace_invalid_utf8(line);
    const size_t len = repaired_.size();
    repaired_.append(simdjson::SIMDJSON_PADDING, ' ');
    out_.error.clear();
    out_.kind = parse_document(repaired_.data(), len, repaired_.size(), pending);
  }
  return out_;
}

const char* line_class_error(LineClass c) {
  switch (c) {
    case LineClass::kNotObject:
      return "not a JSON object";
    case LineClass::kBroken:
      return "truncated or broken JSON line";
    default:
      return "";
  }
}

LineKind LineParser::parse_document(const char* data, size_t len, size_t capacity,
                                    const PendingTools& pending) {
  od::document doc;
  if (auto err = parser_.iterate(data, len, capacity).get(doc); err) {
    out_.error = err == simdjson::UTF8_ERROR ? "invalid UTF-8" : simdjson::error_message(err);
    return LineKind::kMalformed;
  }
  od::object top;
  if (auto err = doc.get_object().get(top); err) {
    out_.error = err == simdjson::UTF8_ERROR ? "invalid UTF-8" : simdjson::error_message(err);
    return LineKind::kMalformed;
  }

  RequestLine& r = out_.request;
  r = RequestLine{};
  std::string type, timestamp, uuid, data_type;
  bool is_meta = false, is_compact_summary = false;
  MessageFields msg;
  MessageFields data_msg;  // agent_progress: data.message.message
  std::string data_timestamp, data_request_id, data_agent_id;
  ToolResultFields result;
  bool tool_result_pending_checked = false;
  ToolKind result_kind = ToolKind::kOther;

  for (auto field : top) {
    od::raw_json_string key;
    od::value v;
    if (auto err = field.key().get(key); err) {
      out_.error = simdjson::error_message(err);
      return LineKind::kMalformed;
    }
    if (auto err = field.value().get(v); err) {
      out_.error = simdjson::error_message(err);
      return LineKind::kMalformed;
    }
    if (key == "type") {
      read_string(v, type);
    } else if (key == "timestamp") {
      read_string(v, timestamp);
    } else if (key == "sessionId") {
      read_string(v, r.session_id);
    } else if (key == "isSidechain") {
      bool b = false;
      if (!v.get_bool().get(b)) r.sidechain = b;
    } else if (key == "agentId") {
      read_string(v, r.agent_id);
    } else if (key == "version") {
      read_string(v, r.cc_version);
    } else if (key == "cwd") {
      read_string(v, r.cwd);
    } else if (key == "gitBranch") {
      read_string(v, r.git_branch);
    } else if (key == "requestId") {
      read_string(v, r.request_id);
    } else if (key == "uuid") {
      read_string(v, uuid);
    } else if (key == "isApiErrorMessage") {
      bool b = false;
      if (!v.get_bool().get(b)) r.api_error = b;
    } else if (key == "isMeta") {
      bool b = false;
      if (!v.get_bool().get(b)) is_meta = b;
    } else if (key == "isCompactSummary") {
      bool b = false;
      if (!v.get_bool().get(b)) is_compact_summary = b;
    } else if (key == "message") {
      od::object m;
      if (!v.get_object().get(m)) parse_message(m, msg);
      if (!msg.ok) {
        out_.error = "broken message object";
        return LineKind::kMalformed;
      }
    } else if (key == "data") {
      od::object d;
      if (v.get_object().get(d)) continue;
      for (auto f2 : d) {
        od::raw_json_string k2;
        od::value v2;
        if (f2.key().get(k2) || f2.value().get(v2)) {
          out_.error = "broken data object";
          return LineKind::kMalformed;
        }
        if (k2 == "type") {
          read_string(v2, data_type);
        } else if (k2 == "agentId") {
          read_string(v2, data_agent_id);
        } else if (k2 == "message") {
          od::object env;  // the subagent's line: {type, timestamp, message, requestId, uuid}
          if (v2.get_object().get(env)) continue;
          for (auto f3 : env) {
            od::raw_json_string k3;
            od::value v3;
            if (f3.key().get(k3) || f3.value().get(v3)) {
              out_.error = "broken data.message object";
              return LineKind::kMalformed;
            }
            if (k3 == "timestamp") {
              read_string(v3, data_timestamp);
            } else if (k3 == "requestId") {
              read_string(v3, data_request_id);
            } else if (k3 == "message") {
              od::object m;
              if (!v3.get_object().get(m)) parse_message(m, data_msg);
              if (!data_msg.ok) {
                out_.error = "broken data.message.message object";
                return LineKind::kMalformed;
              }
            }
          }
        }
        // data.prompt and data.normalizedMessages hold prompt text: never read.
      }
    } else if (key == "toolUseResult") {
      if (!tool_result_pending_checked) {
        tool_result_pending_checked = true;
        if (msg.tool_result_ids.size() == 1) {
          auto it = pending.find(msg.tool_result_ids.front());
          if (it != pending.end()) result_kind = it->second;
        }
      }
      od::object tr;
      if (result_kind != ToolKind::kOther && !v.get_object().get(tr))
        parse_tool_result(tr, result_kind, result);
    }
  }
  if (const char* rest = nullptr; !doc.current_location().get(rest)) {
    out_.error = "trailing content after the JSON object";
    return LineKind::kMalformed;
  }

  // Decide what the line is.
  const bool progress_request =
      type == "progress" && data_type == "agent_progress" && data_msg.usage.present;
  const bool assistant_request =
      (type == "assistant" || (type.empty() && msg.usage.present)) && msg.usage.present;
  if (assistant_request || progress_request) {
    MessageFields& m = progress_request ? data_msg : msg;
    if (progress_request) {
      r.from_progress = true;
      r.sidechain = true;  // a subagent's request, streamed into the parent
      timestamp = data_timestamp;
      r.request_id = data_request_id;
      r.agent_id = data_agent_id;
    }
    r.line_uuid = uuid;
    if (m.model == "<synthetic>" || r.api_error) return LineKind::kSynthetic;
    const UsageFields& u = m.usage;
    if (!u.valid || !u.have_input || !u.have_output) {
      out_.error = "usage has missing, negative, non-integer or absurd (over 10^9) token counts";
      return LineKind::kInvalid;
    }
    auto ts = parse_iso8601_utc_ms(timestamp);
    if (!ts) {
      out_.error = timestamp.empty() ? "usage line without timestamp" : "unparsable timestamp";
      return LineKind::kInvalid;
    }
    if (m.model.empty()) {
      out_.error = "usage line without message.model";
      return LineKind::kInvalid;
    }
    r.timestamp_ms = *ts;
    r.message_id = std::move(m.id);
    r.model = std::move(m.model);
    r.tokens.input = u.input;
    r.tokens.output = u.output;
    r.tokens.cache_read = u.cache_read;
    if (u.has_breakdown) {
      r.tokens.cache_write_5m = u.c5m;
      r.tokens.cache_write_1h = u.c1h;
    } else {
      r.tokens.cache_write_5m = u.cache_creation_total;
    }
    r.tokens.web_search_requests = u.web_search;
    r.tokens.fast = u.fast;
    r.tools = std::move(m.tools);
    return LineKind::kRequest;
  }
  if (type == "user" || msg.role == "user") {
    if (!msg.tool_result_ids.empty()) {
      if (msg.tool_result_ids.size() == 1 && result_kind == ToolKind::kOther) {
        // No toolUseResult object (an error text, or none): the call is still
        // answered, with nothing to count.
        auto it = pending.find(msg.tool_result_ids.front());
        if (it != pending.end()) result_kind = it->second;
      }
      if (msg.tool_result_ids.size() != 1 || result_kind == ToolKind::kOther)
        return LineKind::kIgnored;
      ToolResultLine& t = out_.result;
      t = ToolResultLine{};
      t.tool_use_id = msg.tool_result_ids.front();
      if (result_kind == ToolKind::kChange && result.present) {
        t.has_counts = true;
        t.lines_added =
            result.has_patch ? result.added : (result.is_create ? result.create_lines : 0);
        t.lines_removed = result.has_patch ? result.removed : 0;
      }
      t.commit_sha = std::move(result.commit_sha);
      return LineKind::kToolResult;
    }
    if (type == "user" && !is_meta && !is_compact_summary &&
        (msg.content_is_string || msg.has_text_block) && !uuid.empty()) {
      out_.prompt_uuid = std::move(uuid);
      return LineKind::kPrompt;
    }
  }
  return LineKind::kIgnored;
}

}  // namespace codepulse::tracker
