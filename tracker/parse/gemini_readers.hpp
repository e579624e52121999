// parse: the readers of Gemini CLI's sessions (assistant "gemini-cli"):
// ~/.gemini/tmp/<project>/chats/session-*.jsonl, appended, and the legacy
// session-*.json, one object rewritten whole; a subagent's sessions sit one
// folder further down, in chats/<parent session id>/. One request per
// billed gemini message, keyed "<sessionId>/<message id>": the copies a
// message is written again with (its tool calls added, a $set checkpoint
// restating the conversation, a .json session resumed into a .jsonl) meet
// the same record.
#pragma once

#include <memory>

#include "tracker/parse/assistant_log.hpp"

namespace codepulse::tracker {

std::unique_ptr<JsonlLogReader> make_gemini_jsonl_reader();
std::unique_ptr<DocumentLogReader> make_gemini_json_reader();

}  // namespace codepulse::tracker
