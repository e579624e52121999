// The Codex rollout reader (codex_rollout_reader.hpp): which lines matter,
// and what each does to the carried state and the requests.
#include "tracker/parse/codex_rollout_reader.hpp"

#include "common/hashing.hpp"
#include "common/record/assistant.hpp"
#include "common/time.hpp"
#include "common/utf8.hpp"
#include "tracker/parse/codex_usage.hpp"
#include "tracker/parse/line_classifier.hpp"

namespace codepulse::tracker {
namespace {

namespace od = simdjson::ondemand;

// A line's first "type" value is its kind when it starts with `name"`.
bool names(std::string_view rest, std::string_view name) {
  return rest.size() > name.size() && rest.substr(0, name.size()) == name &&
         rest[name.size()] == '"';
}

// The thread id at the end of a rollout's file name
// (rollout-2026-12-05T02-28-54-<uuid>.jsonl), or "".
std::string thread_of_name(const std::string& path) {
  const size_t slash = path.rfind('/');
  std::string_view name(path);
  if (slash != std::string::npos) name.remove_prefix(slash + 1);
  constexpr std::string_view kExt = ".jsonl";
  if (name.size() < 36 + kExt.size() || name.substr(name.size() - kExt.size()) != kExt) return {};
  const std::string_view id = name.substr(name.size() - kExt.size() - 36, 36);
  for (size_t i = 0; i < id.size(); ++i) {
    const char c = id[i];
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? c != '-' : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return {};
  }
  return std::string(id);
}

std::string totals_key(const CodexUsage& u) {
  std::string k;
  for (int64_t v : {u.input, u.cached, u.cache_write, u.output, u.reasoning}) {
    if (!k.empty()) k.push_back('/');
    k += std::to_string(v);
  }
  return k;
}

}  // namespace

bool CodexRolloutReader::begin_file(const std::string& path, std::string_view carried) {
  file_thread_ = thread_of_name(path);
  if (file_thread_.empty()) file_thread_ = "file-" + std::to_string(fnv1a64(path));
  if (!carried.empty() && decode_codex_state(carried, state_)) return true;
  state_ = CodexState{};
  state_.thread_id = file_thread_;  // until a session_meta names the thread
  return carried.empty();
}

std::string CodexRolloutReader::carried() const {
  return encode_codex_state(state_);
}

bool CodexRolloutReader::wants(std::string_view line) const {
  strip_line_blanks(line);
  if (line.empty()) return false;
  if (line.back() != '}') return true;  // torn: the parser reports it
  const size_t at = line.substr(0, 256).find("\"type\":\"");
  if (at == std::string_view::npos) return true;  // not the usual shape: the parser judges
  std::string_view rest = line.substr(at + 8);
  if (names(rest, "session_meta") || names(rest, "turn_context") ||
      names(rest, "token_usage_record"))
    return true;
  const bool item = names(rest, "response_item");
  if (!item && !names(rest, "event_msg")) {
    // Other kinds Codex writes hold nothing counted; anything unknown is parsed.
    for (std::string_view skip : {"world_state", "compacted", "inter_agent_communication",
                                  "inter_agent_communication_metadata", "retained_context",
                                  "security_risk_score", "realtime_item"})
      if (names(rest, skip)) return false;
    return true;
  }
  // The payload's type, when it is the payload's first key (as Codex writes).
  constexpr std::string_view kPayload = "\"payload\":{\"type\":\"";
  rest.remove_prefix(item ? 14 : 10);
  const size_t p = rest.substr(0, 64).find(kPayload);
  if (p == std::string_view::npos) return true;
  rest.remove_prefix(p + kPayload.size());
  if (item)
    return names(rest, "function_call") || names(rest, "custom_tool_call") ||
           names(rest, "local_shell_call");
  return names(rest, "token_count") || names(rest, "task_started") || names(rest, "turn_started") ||
         names(rest, "thread_settings_applied");
}

LogLineResult CodexRolloutReader::parse(std::string_view line, size_t capacity,
                                        std::vector<RequestLine>& out) {
  capacity -= strip_line_blanks(line);
  LogLineResult r = parse_document(line.data(), line.size(), capacity, out);
  if (parser_.capacity() > (8u << 20)) parser_ = od::parser{};
  if (r.kind == LogLineKind::kMalformed && r.error == "invalid UTF-8") {
    // A corrupt byte inside some text must not lose the line: parse a copy
    // with invalid bytes replaced (only ids and numbers are kept).
    repaired_ = replace_invalid_utf8(line);
    const size_t len = repaired_.size();
    repaired_.append(simdjson::SIMDJSON_PADDING, ' ');
    r = parse_document(repaired_.data(), len, repaired_.size(), out);
  }
  return r;
}

LogLineResult CodexRolloutReader::parse_document(const char* data, size_t len, size_t capacity,
                                                 std::vector<RequestLine>& out) {
  auto error = [](simdjson::error_code err) {
    return LogLineResult{LogLineKind::kMalformed, err == simdjson::UTF8_ERROR
                                                      ? "invalid UTF-8"
                                                      : simdjson::error_message(err)};
  };
  od::document doc;
  od::object top;
  if (auto err = parser_.iterate(data, len, capacity).get(doc); err) return error(err);
  if (auto err = doc.get_object().get(top); err) return error(err);
  CodexLineFields f;
  if (const char* broken = read_codex_line(top, f)) return {LogLineKind::kMalformed, broken};
  if (const char* rest = nullptr; !doc.current_location().get(rest))
    return {LogLineKind::kMalformed, "trailing content after the JSON object"};
  return apply(f, out);
}

LogLineResult CodexRolloutReader::apply(const CodexLineFields& f, std::vector<RequestLine>& out) {
  const auto parsed = parse_iso8601_utc_ms(f.timestamp);
  const int64_t ts = parsed ? *parsed : 0;
  const std::string_view type = f.type, what = f.payload_type;
  // Every rollout line is {"timestamp","type","payload"}: anything else is
  // another tool's log (a Claude Code transcript, say) under Codex's name.
  if (type.empty() || !f.has_payload)
    return {LogLineKind::kInvalid, "not a Codex rollout line (no type and payload object)"};
  if (type == "session_meta") {
    on_meta(f, ts);
  } else if (type == "turn_context") {
    on_turn(f.turn_id, ts, f.cwd, f.model);
  } else if (type == "token_usage_record") {
    return on_record(f, ts, out);
  } else if (type == "event_msg") {
    if (what == "token_count") return on_token_count(f, ts, out);
    if (what == "task_started" || what == "turn_started") on_turn(f.turn_id, ts, {}, {});
    if (what == "thread_settings_applied" && !state_.replay && state_.model_source < 2 &&
        !f.settings_model.empty()) {
      state_.model.assign(f.settings_model);
      state_.model_source = 1;
    }
  } else if (type == "response_item" && !state_.replay &&
             (what == "function_call" || what == "custom_tool_call" ||
              what == "local_shell_call")) {
    tools_.add(f.call, state_.tools, ts);
    if (state_.tools.size() > kMaxCodexPendingTools) state_.tools.resize(kMaxCodexPendingTools);
  }
  return {};
}

void CodexRolloutReader::on_meta(const CodexLineFields& f, int64_t ts) {
  if (state_.metas > 0) {
    // Another thread's session_meta: a fork or subagent copying its parent's
    // history, which runs until the child's own turn.
    if (!f.id.empty() && f.id != state_.thread_id) {
      state_.metas = 2;
      state_.replay = true;
    }
    return;
  }
  state_.metas = 1;
  state_.thread_id.assign(f.id.empty() ? std::string_view(file_thread_) : f.id);
  state_.created_ms = uuid7_ms(state_.thread_id);
  if (state_.created_ms == 0) {
    const auto began = parse_iso8601_utc_ms(f.meta_timestamp);
    state_.created_ms = began ? *began : ts;
  }
  state_.cwd.assign(f.cwd);
  state_.branch.assign(f.branch);
  state_.version.assign(f.cli_version);
  state_.subagent = f.subagent_source || f.thread_source == "subagent";
  state_.parent_thread.assign(f.parent_thread);
}

// Whether a turn starting in a fork's copied history is the child's own:
// its id (a UUIDv7) or, failing that, its line is from after the child's
// thread began. With neither known, the first turn ends the copy.
bool CodexRolloutReader::own_turn(std::string_view turn_id, int64_t ts) const {
  if (state_.created_ms == 0) return true;
  if (const int64_t began = uuid7_ms(turn_id); began != 0) return began >= state_.created_ms;
  return ts == 0 || ts >= state_.created_ms;
}

void CodexRolloutReader::on_turn(std::string_view turn_id, int64_t ts, std::string_view cwd,
                                 std::string_view model) {
  if (state_.replay) {
    if (!own_turn(turn_id, ts)) return;
    state_.replay = false;
    state_.inherited = state_.has_totals;
  }
  if (!turn_id.empty() && turn_id != state_.turn_id) {
    state_.turn_id.assign(turn_id);
    state_.tools.clear();  // calls of a response whose usage never came
  }
  if (!cwd.empty()) state_.cwd.assign(cwd);
  if (!model.empty()) {
    state_.model.assign(model);
    state_.model_source = 2;
  }
}

LogLineResult CodexRolloutReader::on_token_count(const CodexLineFields& f, int64_t ts,
                                                 std::vector<RequestLine>& out) {
  if (f.usage_broken)
    return {LogLineKind::kInvalid, "token_count with a negative, non-integer or absurd count"};
  if (!f.has_total) return {};  // a rate-limit-only row
  if (state_.replay || state_.records) {
    // A copied row, or one the file's token_usage_record lines count.
    state_.totals = f.total;
    state_.has_totals = true;
    return {};
  }
  if (ts == 0) return {LogLineKind::kInvalid, "token_count without a valid timestamp"};
  const CodexDelta d =
      codex_token_count_delta(state_, f.total, f.has_last ? std::optional(f.last) : std::nullopt);
  if (d.row != CodexRow::kCount) return {};
  emit(state_.thread_id + ":tc:" + totals_key(f.total), {}, state_.turn_id, ts, d.delta, out);
  return {LogLineKind::kRequests, {}};
}

LogLineResult CodexRolloutReader::on_record(const CodexLineFields& f, int64_t ts,
                                            std::vector<RequestLine>& out) {
  if (state_.replay) return {};  // the parent's, copied
  if (f.usage_broken || !f.has_usage)
    return {LogLineKind::kInvalid,
            "token_usage_record without usage, or with a negative, non-integer or absurd count"};
  if (ts == 0) return {LogLineKind::kInvalid, "token_usage_record without a valid timestamp"};
  state_.records = true;
  if (f.usage.input == 0 && f.usage.output == 0) return {};
  const std::string_view thread = f.thread_id.empty() ? state_.thread_id : f.thread_id;
  std::string id(thread);
  if (!f.response_id.empty()) {
    id += ":" + std::string(f.response_id);
  } else {
    id += ":rec:" + std::string(f.turn_id) + ":" + std::to_string(ts) + ":" + totals_key(f.usage);
  }
  emit(std::move(id), f.response_id, f.turn_id.empty() ? state_.turn_id : f.turn_id, ts, f.usage,
       out);
  return {LogLineKind::kRequests, {}};
}

void CodexRolloutReader::emit(std::string message_id, std::string_view response_id,
                              std::string_view turn_id, int64_t ts, const CodexUsage& usage,
                              std::vector<RequestLine>& out) {
  RequestLine r;
  r.assistant = kCodex;
  r.message_id = std::move(message_id);
  r.request_id.assign(response_id);
  r.turn_id.assign(turn_id);
  r.session_id =
      state_.subagent && !state_.parent_thread.empty() ? state_.parent_thread : state_.thread_id;
  if (state_.subagent) {
    r.sidechain = true;
    r.agent_id = state_.thread_id;
  }
  r.model = codex_model(state_.model.empty() ? "unknown" : state_.model, ts);
  r.cwd = state_.cwd;
  r.git_branch = state_.branch;
  r.cc_version = state_.version;
  r.timestamp_ms = ts;
  r.tokens = codex_tokens(usage);
  r.tools = std::move(state_.tools);
  state_.tools.clear();
  out.push_back(std::move(r));
}

}  // namespace codepulse::tracker
