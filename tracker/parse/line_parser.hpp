// parse: one complete JSONL line in, the allowlisted facts of that line out.
//
// Only the fields listed in ParsedLine are ever read. Text, thinking, tool
// inputs other than a file path (and, for Bash, whether it is a git commit),
// tool outputs and patch lines are skipped by the parser or reduced to counts
// here (line_parser.cpp and the readers it uses: message_reader.cpp,
// tool_result_reader.cpp); nothing else of the line leaves these files.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/line_fingerprint.hpp"
#include "common/record/tool_result.hpp"

namespace codepulse::tracker {

struct ToolCall {
  std::string id;         // toolu_...
  std::string name;       // counting name: "Read", "mcp:server/tool", "skill:<name>"
  std::string file_path;  // as written in the log; local only, stripped by strip/
  ToolKind kind = ToolKind::kOther;
  // Lines the call itself adds and removes (a patch given as the call's
  // input, as Codex's apply_patch, or a result logged with the call, as
  // Gemini CLI's): known without waiting for its result.
  bool counted = false;
  int64_t lines_added = 0, lines_removed = 0;
  std::string commit_sha;  // counted: the sha a git commit printed, if any
  // The log says the call failed, with the call itself (Gemini CLI's status
  // "error", OpenCode's state "error"): ToolUse::error, the flag only.
  bool failed = false;
  // A change's written lines as keyed fingerprints (docs/PROVENANCE.md):
  // kept in the laptop's line store, never in a record (strip/ drops them).
  std::vector<int64_t> written_lines{};

  bool operator==(const ToolCall&) const = default;
};

// A request's usage as logged: what pricing needs (common/pricing/pricer.hpp).
struct TokenCounts {
  // Disjoint, as UsageRecord's: input is the uncached part; output includes
  // `reasoning`.
  int64_t input = 0, output = 0, cache_write_5m = 0, cache_write_1h = 0, cache_read = 0;
  int64_t reasoning = 0;
  int64_t web_search_requests = 0, web_fetch_requests = 0;
  bool fast = false;
  std::string inference_geo;
  // The token_total() of the record built from these.
  int64_t total() const { return input + output + cache_write_5m + cache_write_1h + cache_read; }

  bool operator==(const TokenCounts&) const = default;
};

// An advisor call the request made (a usage.iterations entry of type
// advisor_message): a model call of its own, not in the request's usage.
struct AdvisorCall {
  int64_t index = 0;  // its position in usage.iterations
  std::string model;
  int64_t input = 0, output = 0, cache_write_5m = 0, cache_write_1h = 0, cache_read = 0;

  bool operator==(const AdvisorCall&) const = default;
};

struct RequestLine {
  // common/record/assistant.hpp; a reader other than Claude Code's names its
  // own, and its message_id is unique among that assistant's requests.
  std::string_view assistant = "claude-code";
  std::string message_id, request_id, model, session_id, agent_id, cc_version, cwd, git_branch;
  std::string line_uuid;
  std::string turn_id;  // other readers: the turn the request belongs to
  int64_t timestamp_ms = 0;
  bool sidechain = false;
  bool from_progress = false;  // an agent_progress copy of a subagent request
  bool api_error = false;
  TokenCounts tokens;
  std::vector<ToolCall> tools;
  std::vector<AdvisorCall> advisors;

  bool operator==(const RequestLine&) const = default;
};

enum class LineKind {
  kIgnored,     // valid enough, carries nothing we need
  kRequest,     // an API request with usage
  kToolResult,  // the result of a tool we track (patch counts, commit sha)
  kPrompt,      // a user prompt: starts a turn
  kMalformed,   // broken JSON, truncated line
  kInvalid,     // JSON, but a usage line that fails validation (reason in error)
  kSynthetic,   // <synthetic> / API error notice: never counted
};

struct ParsedLine {
  LineKind kind = LineKind::kIgnored;
  RequestLine request;
  ToolResultLine result;
  std::string prompt_uuid;
  std::string error;  // for kMalformed / kInvalid: what is wrong (never line content)
};

struct LineFields;  // line_parser.cpp: what is read of a line

class LineParser {
 public:
  LineParser();
  ~LineParser();
  LineParser(const LineParser&) = delete;
  LineParser& operator=(const LineParser&) = delete;
  // Parses a line classify_line() (line_classifier.hpp) marked kParse. `line`
  // excludes the newline; bytes up to line.data() + capacity must be readable
  // (capacity >= line.size() + simdjson::SIMDJSON_PADDING).
  const ParsedLine& parse(std::string_view line, size_t capacity, const PendingTools& pending);
  // Changes' written lines are fingerprinted with `fp` (owned by the caller,
  // outliving the parser); null (the default) leaves them empty.
  void set_fingerprinter(LineFingerprinter* fp) { fingerprinter_ = fp; }
  // Requests logged before `ms` keep no written lines (a scan does not store
  // lines older than line_provenance_days): their changes are not
  // fingerprinted at all. Their requests are otherwise parsed as before.
  void set_fingerprint_since(int64_t ms) { fingerprint_since_ = ms; }

 private:
  void parse_line(std::string_view line, size_t capacity, const PendingTools& pending,
                  LineFingerprinter* fp);
  LineKind parse_document(const char* data, size_t len, size_t capacity,
                          const PendingTools& pending, LineFingerprinter* fp);
  ParsedLine out_;
  std::unique_ptr<LineFields> fields_;  // emptied for each line, its buffers kept
  simdjson::ondemand::parser parser_;
  std::string repaired_;  // a copy with invalid UTF-8 replaced, when needed
  LineFingerprinter* fingerprinter_ = nullptr;
  int64_t fingerprint_since_ = INT64_MIN;
};

}  // namespace codepulse::tracker
