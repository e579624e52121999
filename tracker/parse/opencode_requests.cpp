// An OpenCode assistant message into requests (opencode_requests.hpp).
#include "tracker/parse/opencode_requests.hpp"

#include "common/record/assistant.hpp"

namespace codepulse::tracker::opencode {

namespace {

RequestLine base_request(const MessageFields& m, const SessionFacts& s) {
  RequestLine r;
  r.assistant = kOpenCode;
  r.model = model_name(m.provider_id, m.model_id);
  r.session_id = s.root_id;
  r.agent_id = s.agent_id;
  r.sidechain = !s.agent_id.empty();
  r.cwd = m.cwd.empty() ? s.directory : m.cwd;
  r.cc_version = s.version;
  r.turn_id = m.parent_id;  // the user message that started the turn
  r.timestamp_ms = m.created_ms;
  return r;
}

void add_calls(const PartFields& tool, RequestLine& r) {
  for (const ToolCall& c : tool.calls)
    r.tools.push_back(c);
}

}  // namespace

void message_requests(const std::string& message_id, const MessageFields& message,
                      const SessionFacts& session, const std::vector<MessagePart>& parts,
                      std::vector<RequestLine>& out) {
  if (message.role != "assistant") return;
  size_t steps = 0;
  for (const MessagePart& p : parts)
    steps += p.fields.kind == PartKind::kStepFinish;
  const RequestLine base = base_request(message, session);
  if (steps == 0) {
    // No step finished (a legacy message, or one still streaming): the
    // message's own tokens, once it has any.
    if (!message.tokens.any()) return;
    RequestLine r = base;
    r.message_id = message_id;
    r.tokens = to_counts(message.tokens);
    for (const MessagePart& p : parts)
      add_calls(p.fields, r);
    out.push_back(std::move(r));
    return;
  }
  RequestLine current = base;
  size_t seen = 0;
  for (const MessagePart& p : parts) {
    if (p.fields.kind == PartKind::kTool) {
      add_calls(p.fields, current);
      continue;
    }
    if (p.fields.kind != PartKind::kStepFinish) continue;
    ++seen;
    current.message_id = seen == steps ? message_id : p.id;
    current.tokens = to_counts(p.fields.tokens);
    if (current.timestamp_ms == 0) current.timestamp_ms = p.created_ms;
    out.push_back(std::move(current));
    // The next call starts when this one ended.
    current = base;
    current.timestamp_ms = p.created_ms;
  }
  // Tool parts after the last step-finish: its step's.
  for (ToolCall& c : current.tools)
    out.back().tools.push_back(std::move(c));
}

}  // namespace codepulse::tracker::opencode
