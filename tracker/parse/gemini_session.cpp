// A Gemini CLI session file being read (gemini_session.hpp): its carried
// state, and its billed messages as requests.
#include "tracker/parse/gemini_session.hpp"

#include <utility>

#include "common/record/assistant.hpp"
#include "common/utf8.hpp"
#include "tracker/parse/gemini_project.hpp"

namespace codepulse::tracker {
namespace {

namespace od = simdjson::ondemand;

constexpr std::string_view kStateTag = "gemini1";
constexpr char kSep = '\x1f';

// One huge document or line must not keep its buffers for the life of the daemon.
constexpr size_t kKeepParserBytes = 8u << 20;

const char* read_object(od::parser& parser, const char* data, size_t len, size_t capacity,
                        GeminiRecord& r, bool& utf8) {
  utf8 = false;
  od::document doc;
  od::object top;
  simdjson::error_code err = parser.iterate(data, len, capacity).get(doc);
  if (!err) err = doc.get_object().get(top);
  if (err) {
    utf8 = err == simdjson::UTF8_ERROR;
    return utf8 ? "invalid UTF-8" : simdjson::error_message(err);
  }
  if (const char* broken = read_gemini_record(top, r)) return broken;
  if (const char* rest = nullptr; !doc.current_location().get(rest))
    return "trailing content after the JSON object";
  return nullptr;
}

}  // namespace

bool parse_gemini_json(od::parser& parser, std::string& repaired, std::string_view text,
                       size_t capacity, GeminiRecord& r, std::string& error) {
  bool utf8 = false;
  const char* broken = read_object(parser, text.data(), text.size(), capacity, r, utf8);
  if (broken && utf8) {
    // A corrupt byte inside some text must not lose the messages around it.
    repaired = replace_invalid_utf8(text);
    const size_t len = repaired.size();
    repaired.append(simdjson::SIMDJSON_PADDING, ' ');
    LineFingerprinter* fp = r.fingerprinter;
    r = GeminiRecord{};
    r.fingerprinter = fp;
    broken = read_object(parser, repaired.data(), len, repaired.size(), r, utf8);
    if (repaired.capacity() > kKeepParserBytes) std::string().swap(repaired);
  }
  if (parser.capacity() > kKeepParserBytes) parser = od::parser{};
  if (broken) {
    error = broken;
    return false;
  }
  return true;
}

void GeminiSession::begin(const std::string& path, std::string cwd) {
  GeminiChatPath where = split_gemini_chat_path(path);
  cwd_ = std::move(cwd);
  parent_ = std::move(where.parent_session);
  stem_ = std::move(where.stem);
  session_id_.clear();
  model_.clear();
  turn_.clear();
  subagent_ = !parent_.empty();
  at_start_ = true;
}

std::string GeminiSession::carried() const {
  auto clean = [](const std::string& s) {
    return s.find(kSep) == std::string::npos ? s : std::string();
  };
  std::string out(kStateTag);
  for (const std::string* field : {&session_id_, &model_, &turn_}) {
    out.push_back(kSep);
    out += clean(*field);
  }
  out.push_back(kSep);
  if (subagent_) out.push_back('s');
  if (!at_start_) out.push_back('h');
  return out;
}

bool GeminiSession::restore(std::string_view carried) {
  if (carried.empty()) return true;
  std::string_view fields[5];
  size_t n = 0;
  while (n < 5) {
    const size_t sep = carried.find(kSep);
    fields[n++] = carried.substr(0, sep);
    if (sep == std::string_view::npos) break;
    carried.remove_prefix(sep + 1);
  }
  if (n != 5 || fields[0] != kStateTag || fields[4].find_first_not_of("sh") != std::string::npos)
    return false;
  session_id_.assign(fields[1]);
  model_.assign(fields[2]);
  turn_.assign(fields[3]);
  subagent_ = subagent_ || fields[4].find('s') != std::string_view::npos;
  at_start_ = fields[4].find('h') == std::string_view::npos;
  return true;
}

bool GeminiSession::take_message(GeminiMessage& m, std::vector<RequestLine>& out,
                                 std::string& error) {
  if (m.type == GeminiMessage::Type::kUser) {
    if (m.prompt && !m.id.empty()) turn_ = m.id;
    return true;
  }
  if (m.type != GeminiMessage::Type::kGemini) return true;
  if (!m.model.empty()) model_ = m.model;  // a message without one keeps the last
  if (!m.has_tokens) return true;          // its usage never arrived: nothing billed
  if (!m.tokens_valid) {
    error = "gemini message tokens with negative, non-integer or absurd (over 10^9) counts";
    return false;
  }
  if (m.id.empty()) {
    error = "gemini message without id";
    return false;
  }
  if (!m.time_valid) {
    error = m.has_time ? "unparsable timestamp" : "gemini message without timestamp";
    return false;
  }
  if (model_.empty()) {
    error = "gemini message without model";
    return false;
  }
  const std::string& session = session_id_.empty() ? stem_ : session_id_;
  RequestLine& q = out.emplace_back();
  q.assistant = kGeminiCli;
  q.message_id.reserve(session.size() + 1 + m.id.size());
  q.message_id.append(session).append(1, '/').append(m.id);
  q.session_id = parent_.empty() ? session : parent_;
  if (subagent_) {
    q.sidechain = true;
    q.agent_id = session;
  }
  q.model = model_;
  q.cwd = cwd_;
  q.timestamp_ms = m.ts_ms;
  q.turn_id = turn_;
  q.tokens = gemini_tokens(m);
  q.tools = std::move(m.tools);
  return true;
}

LogLineResult GeminiSession::take(GeminiRecord& r, std::vector<RequestLine>& out) {
  if ((r.header || r.set) && !r.session_id.empty()) session_id_ = r.session_id;
  if (r.header && r.subagent) subagent_ = true;
  const size_t before = out.size();
  LogLineResult result;
  std::string error;
  for (GeminiMessage& m : r.restated) {
    if (!take_message(m, out, error) && result.error.empty()) result.error = error;
  }
  if (r.message && !take_message(r.msg, out, error) && result.error.empty()) result.error = error;
  if (out.size() > before) {
    result.kind = LogLineKind::kRequests;
  } else if (!result.error.empty()) {
    result.kind = LogLineKind::kInvalid;
  }
  return result;
}

}  // namespace codepulse::tracker
