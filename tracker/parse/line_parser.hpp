// parse: one complete JSONL line in, the allowlisted facts of that line out.
//
// Only the fields listed in ParsedLine are ever read. Text, thinking, tool
// inputs other than a file path (and, for Bash, whether it is a git commit),
// tool outputs and patch lines are skipped by the parser or reduced to counts
// here; nothing else of the line leaves this file.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/pricing.hpp"
#include "common/record/tool_result.hpp"

namespace codepulse::tracker {

struct ToolCall {
  std::string id;         // toolu_...
  std::string name;       // counting name: "Read", "mcp:server/tool", "skill:<name>"
  std::string file_path;  // as written in the log; local only, stripped by strip/
  ToolKind kind = ToolKind::kOther;
};

struct RequestLine {
  std::string message_id, request_id, model, session_id, agent_id, cc_version, cwd, git_branch;
  std::string line_uuid;
  int64_t timestamp_ms = 0;
  bool sidechain = false;
  bool from_progress = false;  // an agent_progress copy of a subagent request
  bool api_error = false;
  TokenCounts tokens;
  std::vector<ToolCall> tools;
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

// What a line needs, decided from a few markers without parsing it.
enum class LineClass : uint8_t {
  kSkip,       // carries nothing we need (or is blank)
  kParse,      // a request, a prompt, or the result of a tool we wait for
  kNotObject,  // does not start with '{'
  kBroken,     // torn or garbage
};

// Pure and allocation-free: it may run on memory that can vanish (a mapped
// file that shrinks), see tail/line_reader.cpp.
LineClass classify_line(std::string_view line, const PendingTools& pending);
const char* line_class_error(LineClass c);

class LineParser {
 public:
  // Parses a line classify_line() marked kParse. `line` excludes the newline;
  // bytes up to line.data() + capacity must be readable (capacity >=
  // line.size() + simdjson::SIMDJSON_PADDING).
  const ParsedLine& parse(std::string_view line, size_t capacity, const PendingTools& pending);

 private:
  LineKind parse_document(const char* data, size_t len, size_t capacity,
                          const PendingTools& pending);
  ParsedLine out_;
  simdjson::ondemand::parser parser_;
  std::string repaired_;  // a copy with invalid UTF-8 replaced, when needed
};

// "[main 1a2b3c4] message" / "[main (root-commit) 1a2b3c4] ..." -> "1a2b3c4".
std::string extract_commit_sha(std::string_view stdout_text);
// True for a shell command that runs `git ... commit`.
bool is_git_commit_command(std::string_view command);
// Claude Code tool name -> the name tools are counted under.
std::string tool_count_name(std::string_view tool_name, std::string_view skill);

}  // namespace codepulse::tracker
