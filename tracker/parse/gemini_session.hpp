// parse: one Gemini CLI session file being read: what carries from one
// record to the next (its session id, the model in force, the turn) and how
// a billed message becomes a RequestLine. Shared by the .jsonl reader and
// the legacy .json reader (gemini_readers.hpp).
#pragma once

#include <simdjson.h>

#include <string>
#include <string_view>
#include <vector>

#include "tracker/parse/assistant_log.hpp"
#include "tracker/parse/gemini_record.hpp"

namespace codepulse::tracker {

class GeminiSession {
 public:
  // A file about to be read from its start: `path` places it (a subagent's
  // session sits in a folder named for its parent session); `cwd` is its
  // project's folder, "" when unknown.
  void begin(const std::string& path, std::string cwd);
  // What carried() returned, to go on from there ("" for the start). False
  // when it is not such a state.
  bool restore(std::string_view carried);
  std::string carried() const;

  // Applies a record: a header or $set names the session, messages set the
  // turn and the model, and each billed message (a gemini message with
  // tokens) is appended as a request (its tool calls moved into it).
  // kRequests when any was; an error names the first message that could not
  // be read.
  LogLineResult take(GeminiRecord& r, std::vector<RequestLine>& out);

  // Whether no line of the file has been handed over yet (its first line
  // must be the session header).
  bool at_start() const { return at_start_; }
  void started() { at_start_ = false; }

 private:
  // Appends the request of a billed message; false (and `error`) when the
  // message cannot be counted.
  bool take_message(GeminiMessage& m, std::vector<RequestLine>& out, std::string& error);

  std::string session_id_, model_, turn_;
  std::string cwd_, parent_, stem_;  // from the path
  bool subagent_ = false, at_start_ = true;
};

// Parses `text` (readable up to text.data() + capacity) as one JSON object
// into `r`. Invalid UTF-8 inside a string is replaced in a copy (`repaired`)
// and parsed again: only ids and numbers are kept. False and `error` when it
// is not a JSON object.
bool parse_gemini_json(simdjson::ondemand::parser& parser, std::string& repaired,
                       std::string_view text, size_t capacity, GeminiRecord& r, std::string& error);

}  // namespace codepulse::tracker
