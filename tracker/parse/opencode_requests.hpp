// parse: an OpenCode assistant message and its parts made into requests, one
// per billed model call: one per step-finish part, or one from the message's
// own tokens when it has none.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tracker/parse/line_parser.hpp"
#include "tracker/parse/opencode_json.hpp"

namespace codepulse::tracker::opencode {

// What the session says around a message.
struct SessionFacts {
  std::string root_id;    // the session a subagent's session descends from, else its own
  std::string agent_id;   // a subagent's own session id, else empty
  std::string directory;  // where it ran: the cwd when the message names none
  std::string version;    // the OpenCode version that made it
};

// A step-finish or a finished tool call, in the order of the part ids.
struct MessagePart {
  std::string id;
  int64_t created_ms = 0;
  PartFields fields;
};

// The requests of one assistant message. Each keeps its id across re-reads
// of a live database: the last step-finish carries the message id (as a
// legacy file or a message without steps does: its tokens are the last
// step's), every earlier step its own part id. A step's tool calls are the
// tool parts before its step-finish.
void message_requests(const std::string& message_id, const MessageFields& message,
                      const SessionFacts& session, const std::vector<MessagePart>& parts,
                      std::vector<RequestLine>& out);

}  // namespace codepulse::tracker::opencode
