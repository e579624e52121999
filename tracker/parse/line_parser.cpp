#include "tracker/parse/line_parser.hpp"

#include <memory>
#include <optional>

#include "common/record/assistant.hpp"
#include "common/time.hpp"
#include "common/utf8.hpp"
#include "tracker/parse/json_values_internal.hpp"
#include "tracker/parse/line_classifier.hpp"
#include "tracker/parse/message_reader.hpp"
#include "tracker/parse/tool_result_reader.hpp"

namespace codepulse::tracker {

using namespace parse_internal;

// What a line answering a tool call says of it beside its message.
struct AnswerFields {
  ToolResultFields result;
  bool kind_checked = false;
  ToolKind kind = ToolKind::kOther;  // of the tool the line answers, if we wait for it
};

// data of an agent_progress line (below).
struct ProgressFields {
  std::string type;       // data.type
  std::string agent_id;   // data.agentId
  std::string line_type;  // data.message.type
  std::string timestamp, request_id;
  MessageFields msg;  // data.message.message
  AnswerFields answer;
};

// Everything read of a line. One per parser, emptied for each line: its
// strings and vectors keep their buffers (a scan reads hundreds of
// thousands of lines), so every field is emptied in reset() below.
struct LineFields {
  std::string type, timestamp, uuid;
  bool is_meta = false, is_compact_summary = false;
  MessageFields msg;
  ProgressFields progress;
  AnswerFields answer;
};

namespace {

void reset(ToolResultFields& r) {
  r.present = r.is_create = r.has_patch = false;
  r.create_lines = r.added = r.removed = 0;
  r.commit_sha.clear();
}

void reset(UsageFields& u) {
  static_cast<UsageCounts&>(u) = UsageCounts{};
  u.present = u.fast = false;
  u.web_search = u.web_fetch = 0;
  u.inference_geo.clear();
  u.advisors.clear();
  u.iterations_problem.clear();
}

void reset(MessageFields& m) {
  m.id.clear();
  m.model.clear();
  m.role.clear();
  reset(m.usage);
  m.content_is_string = m.has_text_block = m.tool_result_error = false;
  m.tools.clear();
  m.tool_result_ids.clear();
  m.ok = true;
  m.fingerprinter = nullptr;
}

void reset(AnswerFields& a) {
  reset(a.result);
  a.kind_checked = false;
  a.kind = ToolKind::kOther;
}

void reset(LineFields& f) {
  f.type.clear();
  f.timestamp.clear();
  f.uuid.clear();
  f.is_meta = f.is_compact_summary = false;
  reset(f.msg);
  f.progress.type.clear();
  f.progress.agent_id.clear();
  f.progress.line_type.clear();
  f.progress.timestamp.clear();
  f.progress.request_id.clear();
  reset(f.progress.msg);
  reset(f.progress.answer);
  reset(f.answer);
}

void reset(RequestLine& r) {
  r.assistant = kClaudeCode;
  for (std::string* s : {&r.message_id, &r.request_id, &r.model, &r.session_id, &r.agent_id,
                         &r.cc_version, &r.cwd, &r.git_branch, &r.line_uuid, &r.turn_id})
    s->clear();
  r.timestamp_ms = 0;
  r.sidechain = r.from_progress = r.api_error = false;
  std::string geo = std::move(r.tokens.inference_geo);  // its buffer kept
  r.tokens = TokenCounts{};
  geo.clear();
  r.tokens.inference_geo = std::move(geo);
  r.tools.clear();
  r.advisors.clear();
}

}  // namespace

namespace {

// A line is read one nested object at a time, each by its own reader taking
// the object's fields in document order, as simdjson on-demand requires: the
// line here, its message (message_reader), toolUseResult (tool_result_reader)
// and data (agent_progress, below).

// ---------------------------------------------------------------------------
// A tool result: a user line's, or a subagent's streamed into the parent.

// The kind of the pending tool the line's single tool_result block answers,
// else `kind` unchanged.
ToolKind answered_kind(const MessageFields& msg, const PendingTools& pending, ToolKind kind) {
  if (msg.tool_result_ids.size() == 1) {
    auto it = pending.find(msg.tool_result_ids.front());
    if (it != pending.end()) return it->second;
  }
  return kind;
}

// toolUseResult is read only for a tool we wait for, known from the message
// read before it.
void read_tool_use_result(od::value v, const PendingTools& pending, const MessageFields& msg,
                          AnswerFields& a) {
  if (!a.kind_checked) {
    a.kind_checked = true;
    a.kind = answered_kind(msg, pending, a.kind);
  }
  od::object tr;
  const bool counted = a.kind == ToolKind::kChange || a.kind == ToolKind::kGitCommit;
  if (counted && !v.get_object().get(tr)) read_tool_result(tr, a.kind, a.result);
}

// ---------------------------------------------------------------------------
// data (an agent_progress line: a subagent's line streamed into the parent:
// one of its requests, or the result of one of its tool calls)

// data.message, the subagent's line: {type, timestamp, message, requestId,
// uuid} for a request; {type, message, uuid, timestamp, toolUseResult} for
// a tool result. Returns what is broken, or nullptr.
const char* read_progress_line(od::object line, const PendingTools& pending, ProgressFields& p) {
  for (auto field : line) {
    od::raw_json_string key;
    od::value v;
    if (!read_field(field, key, v)) return "broken data.message object";
    if (key == "type") {
      read_string(v, p.line_type);
    } else if (key == "timestamp") {
      read_string(v, p.timestamp);
    } else if (key == "requestId") {
      read_string(v, p.request_id);
    } else if (key == "message") {
      od::object m;
      if (!v.get_object().get(m)) read_message(m, p.msg);
      if (!p.msg.ok) return "broken data.message.message object";
    } else if (key == "toolUseResult") {
      read_tool_use_result(v, pending, p.msg, p.answer);
    }
  }
  return nullptr;
}

// Returns what is broken, or nullptr.
const char* read_progress_data(od::object data, const PendingTools& pending, ProgressFields& p) {
  for (auto field : data) {
    od::raw_json_string key;
    od::value v;
    if (!read_field(field, key, v)) return "broken data object";
    if (key == "type") {
      read_string(v, p.type);
    } else if (key == "agentId") {
      read_string(v, p.agent_id);
    } else if (key == "message") {
      od::object line;
      if (v.get_object().get(line)) continue;
      if (const char* broken = read_progress_line(line, pending, p)) return broken;
    }
    // data.prompt and data.normalizedMessages hold prompt text: never read.
  }
  return nullptr;
}

// ---------------------------------------------------------------------------
// The line's top-level object.

// Every top-level field; the envelope's ids go straight into `r`. Returns
// what is broken, or nullptr.
const char* read_line(od::object top, const PendingTools& pending, RequestLine& r, LineFields& f) {
  for (auto field : top) {
    od::raw_json_string key;
    od::value v;
    if (auto err = field.key().get(key); err) return simdjson::error_message(err);
    if (auto err = field.value().get(v); err) return simdjson::error_message(err);
    if (key == "type") {
      read_string(v, f.type);
    } else if (key == "timestamp") {
      read_string(v, f.timestamp);
    } else if (key == "sessionId") {
      read_string(v, r.session_id);
    } else if (key == "isSidechain") {
      read_bool(v, r.sidechain);
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
      read_string(v, f.uuid);
    } else if (key == "isApiErrorMessage") {
      read_bool(v, r.api_error);
    } else if (key == "isMeta") {
      read_bool(v, f.is_meta);
    } else if (key == "isCompactSummary") {
      read_bool(v, f.is_compact_summary);
    } else if (key == "message") {
      od::object m;
      if (!v.get_object().get(m)) read_message(m, f.msg);
      if (!f.msg.ok) return "broken message object";
    } else if (key == "data") {
      od::object d;
      if (v.get_object().get(d)) continue;
      if (const char* broken = read_progress_data(d, pending, f.progress)) return broken;
    } else if (key == "toolUseResult") {
      read_tool_use_result(v, pending, f.msg, f.answer);
    }
  }
  return nullptr;
}

// ---------------------------------------------------------------------------
// What the line is, from what was read.

// Cache writes by lifetime (docs/PRICING.md, the remainder rule): what a
// breakdown leaves of cache_creation_input_tokens (a gateway's zeros beside a
// real total) counts as 5-minute writes; a breakdown larger than the total
// counts as it is; without a breakdown every write is a 5-minute write.
void cache_writes(const UsageCounts& c, int64_t& w5m, int64_t& w1h) {
  if (!c.has_breakdown) {
    w5m = c.cache_creation_total;
    w1h = 0;
    return;
  }
  const int64_t remainder = c.cache_creation_total - c.c5m - c.c1h;
  w5m = c.c5m + (remainder > 0 ? remainder : 0);
  w1h = c.c1h;
}

// An API request (the line's own, or a subagent's from agent_progress).
LineKind finish_request(LineFields& f, bool from_progress, ParsedLine& out) {
  RequestLine& r = out.request;
  MessageFields& m = from_progress ? f.progress.msg : f.msg;
  if (from_progress) {
    r.from_progress = true;
    r.sidechain = true;  // a subagent's request, streamed into the parent
    f.timestamp = f.progress.timestamp;
    r.request_id = f.progress.request_id;
    r.agent_id = f.progress.agent_id;
  }
  r.line_uuid = f.uuid;
  if (m.model == "<synthetic>" || r.api_error) return LineKind::kSynthetic;
  UsageFields& u = m.usage;
  if (!u.valid || !u.have_input || !u.have_output) {
    out.error = "usage has missing, negative, non-integer or absurd (over 10^9) counts";
    return LineKind::kInvalid;
  }
  if (!u.iterations_problem.empty()) {
    out.error = std::move(u.iterations_problem);
    return LineKind::kInvalid;
  }
  auto ts = parse_iso8601_utc_ms(f.timestamp);
  if (!ts) {
    out.error = f.timestamp.empty() ? "usage line without timestamp" : "unparsable timestamp";
    return LineKind::kInvalid;
  }
  if (m.model.empty()) {
    out.error = "usage line without message.model";
    return LineKind::kInvalid;
  }
  r.timestamp_ms = *ts;
  // Swapped, not moved: both sides keep a buffer for the next line.
  r.message_id.swap(m.id);
  r.model.swap(m.model);
  r.tokens.input = u.input;
  r.tokens.output = u.output;
  r.tokens.cache_read = u.cache_read;
  cache_writes(u, r.tokens.cache_write_5m, r.tokens.cache_write_1h);
  r.tokens.web_search_requests = u.web_search;
  r.tokens.web_fetch_requests = u.web_fetch;
  r.tokens.fast = u.fast;
  r.tokens.inference_geo.swap(u.inference_geo);
  r.advisors.reserve(u.advisors.size());
  for (AdvisorFields& a : u.advisors) {
    AdvisorCall call;
    call.index = a.index;
    call.model = std::move(a.model);
    call.input = a.input;
    call.output = a.output;
    call.cache_read = a.cache_read;
    cache_writes(a, call.cache_write_5m, call.cache_write_1h);
    r.advisors.push_back(std::move(call));
  }
  r.tools.swap(m.tools);
  return LineKind::kRequest;
}

// The result of a tool we wait for, or nothing we need.
LineKind finish_tool_result(const MessageFields& msg, AnswerFields& a, const PendingTools& pending,
                            ParsedLine& out) {
  ToolKind kind = a.kind;
  if (kind == ToolKind::kOther) {
    // No toolUseResult object (an error text, or none): the call is still
    // answered, with nothing to count.
    kind = answered_kind(msg, pending, kind);
  }
  if (msg.tool_result_ids.size() != 1 || kind == ToolKind::kOther) return LineKind::kIgnored;
  ToolResultLine& t = out.result;
  t = ToolResultLine{};
  t.tool_use_id = msg.tool_result_ids.front();
  const ToolResultFields& result = a.result;
  if (kind == ToolKind::kChange && result.present) {
    t.has_counts = true;
    t.lines_added = result.has_patch ? result.added : (result.is_create ? result.create_lines : 0);
    t.lines_removed = result.has_patch ? result.removed : 0;
  }
  t.commit_sha = std::move(a.result.commit_sha);
  t.error = msg.tool_result_error;
  return LineKind::kToolResult;
}

LineKind kind_of_line(LineFields& f, const PendingTools& pending, ParsedLine& out) {
  const bool progress_request =
      f.type == "progress" && f.progress.type == "agent_progress" && f.progress.msg.usage.present;
  const bool assistant_request =
      (f.type == "assistant" || (f.type.empty() && f.msg.usage.present)) && f.msg.usage.present;
  if (assistant_request || progress_request) return finish_request(f, progress_request, out);
  if (f.type == "progress" && f.progress.type == "agent_progress" &&
      f.progress.line_type == "user" && !f.progress.msg.tool_result_ids.empty()) {
    // A subagent's tool result: it answers the call of a request streamed
    // before it (whether or not the subagent's own file is there).
    return finish_tool_result(f.progress.msg, f.progress.answer, pending, out);
  }
  if (f.type == "user" || f.msg.role == "user") {
    if (!f.msg.tool_result_ids.empty()) return finish_tool_result(f.msg, f.answer, pending, out);
    if (f.type == "user" && !f.is_meta && !f.is_compact_summary &&
        (f.msg.content_is_string || f.msg.has_text_block) && !f.uuid.empty()) {
      out.prompt_uuid.swap(f.uuid);
      return LineKind::kPrompt;
    }
  }
  return LineKind::kIgnored;
}

// The time of the last "timestamp" key in the line's last bytes, where
// Claude Code writes a line's own; nullopt when there is none there.
std::optional<int64_t> trailing_timestamp(std::string_view line) {
  static constexpr std::string_view kKey = "\"timestamp\":";
  constexpr size_t kTail = 512;
  const std::string_view tail = line.substr(line.size() > kTail ? line.size() - kTail : 0);
  const size_t key = tail.rfind(kKey);
  if (key == std::string_view::npos) return std::nullopt;
  size_t open = key + kKey.size();
  while (open < tail.size() && tail[open] == ' ')
    ++open;
  if (open >= tail.size() || tail[open] != '"') return std::nullopt;
  const size_t close = tail.find('"', open + 1);
  if (close == std::string_view::npos) return std::nullopt;
  return parse_iso8601_utc_ms(tail.substr(open + 1, close - open - 1));
}

}  // namespace

LineParser::LineParser() : fields_(std::make_unique<LineFields>()) {}
LineParser::~LineParser() = default;

const ParsedLine& LineParser::parse(std::string_view line, size_t capacity,
                                    const PendingTools& pending) {
  capacity -= strip_line_blanks(line);
  // A line older than the lines kept: parsed without fingerprints, unless
  // its request's own time turns out to differ from the one guessed here.
  std::optional<int64_t> old;
  if (fingerprinter_ != nullptr && fingerprint_since_ != INT64_MIN) {
    old = trailing_timestamp(line);
    if (old && *old >= fingerprint_since_) old.reset();
  }
  parse_line(line, capacity, pending, old ? nullptr : fingerprinter_);
  if (old && out_.kind == LineKind::kRequest && out_.request.timestamp_ms != *old)
    parse_line(line, capacity, pending, fingerprinter_);
  return out_;
}

void LineParser::parse_line(std::string_view line, size_t capacity, const PendingTools& pending,
                            LineFingerprinter* fp) {
  out_.error.clear();
  out_.prompt_uuid.clear();
  out_.kind = parse_document(line.data(), line.size(), capacity, pending, fp);
  // One huge line must not keep its buffers for the life of the daemon.
  if (parser_.capacity() > (8u << 20)) parser_ = simdjson::ondemand::parser{};
  if (out_.kind == LineKind::kMalformed && out_.error == "invalid UTF-8") {
    // A corrupt byte inside some text must not lose the request around it:
    // parse a copy with invalid bytes replaced (only ids and numbers are kept).
    repaired_ = replace_invalid_utf8(line);
    const size_t len = repaired_.size();
    repaired_.append(simdjson::SIMDJSON_PADDING, ' ');
    out_.error.clear();
    out_.kind = parse_document(repaired_.data(), len, repaired_.size(), pending, fp);
  }
}

LineKind LineParser::parse_document(const char* data, size_t len, size_t capacity,
                                    const PendingTools& pending, LineFingerprinter* fp) {
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
  reset(out_.request);
  LineFields& fields = *fields_;
  reset(fields);
  fields.msg.fingerprinter = fp;
  fields.progress.msg.fingerprinter = fp;
  if (const char* broken = read_line(top, pending, out_.request, fields)) {
    out_.error = broken;
    return LineKind::kMalformed;
  }
  if (const char* rest = nullptr; !doc.current_location().get(rest)) {
    out_.error = "trailing content after the JSON object";
    return LineKind::kMalformed;
  }
  return kind_of_line(fields, pending, out_);
}

}  // namespace codepulse::tracker
