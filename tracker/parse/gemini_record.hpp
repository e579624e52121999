// parse: one record of a Gemini CLI session (a line of session-*.jsonl, or
// the whole legacy session-*.json) reduced to the fields we keep: ids,
// timestamps, the model, token counts and tool calls (paths, whether a
// command is a git commit, the fingerprints of the lines a change wrote).
// Texts, thoughts, tool outputs and the other arguments are skipped unread.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <string>
#include <vector>

#include "tracker/parse/line_parser.hpp"

namespace codepulse::tracker {

// A message: {id, timestamp, type: "user"|"gemini"|"info"|..., content,
// thoughts, tokens, model, toolCalls}.
struct GeminiMessage {
  enum class Type : uint8_t { kOther, kUser, kGemini };
  Type type = Type::kOther;
  std::string id, model;
  bool has_time = false, time_valid = false;  // `timestamp` present / an ISO instant
  int64_t ts_ms = 0;
  bool prompt = false;       // a user message with text: it starts a turn
  bool has_tokens = false;   // `tokens` is an object (null before usage arrived)
  bool tokens_valid = true;  // every count in it a count
  bool has_total = false;
  int64_t input = 0, output = 0, cached = 0, thoughts = 0, tool = 0, total = 0;
  std::vector<ToolCall> tools;
};

// A line (or document): a session header {sessionId, projectHash, startTime,
// kind, ...} (a legacy .json document is a header with its `messages`), a
// metadata update {"$set": {...}} (its `messages` a checkpoint of the whole
// conversation), a message, or a {"$rewindTo": id}.
struct GeminiRecord {
  bool header = false;     // has a top-level sessionId
  bool set = false;        // a $set
  bool message = false;    // has a top-level id
  std::string session_id;  // the header's, or a $set's
  bool subagent = false;   // the header's kind is "subagent"
  GeminiMessage msg;
  std::vector<GeminiMessage> restated;  // a header's or a $set's messages, in order
  // Set before reading: line provenance's fingerprinter (nullptr: off). A
  // change's written lines (write_file's content, replace's new_string less
  // its old_string) are fingerprinted as they are read; the text is not kept.
  LineFingerprinter* fingerprinter = nullptr;
};

// Reads a top-level object. Returns what is broken, or nullptr.
const char* read_gemini_record(simdjson::ondemand::object top, GeminiRecord& r);

// The message's tokens as disjoint buckets. Gemini CLI writes the API's
// usageMetadata: input = promptTokenCount, which includes cached =
// cachedContentTokenCount; output = candidatesTokenCount, without thoughts =
// thoughtsTokenCount; tool = toolUsePromptTokenCount, outside the prompt
// count (totalTokenCount = prompt + candidates + thoughts + tool-use prompt).
// So: input = input - cached (at least 0) + tool, cache_read = cached,
// output = output + thoughts, reasoning = thoughts. When total says cached
// was written outside input (total = input + output + thoughts + tool +
// cached), input is not reduced.
TokenCounts gemini_tokens(const GeminiMessage& m);

}  // namespace codepulse::tracker
