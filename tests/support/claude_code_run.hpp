// Runs the real Claude Code CLI (claude_code_bin()) once, offline, against a
// mock Messages API, and reads what it wrote: its result JSON and the
// assistant lines of its transcripts.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "tests/support/offline_run.hpp"

namespace codepulse::test {

// result.out: the --output-format json result.
struct ClaudeCodeRun : OfflineRun {
  std::string session_id;   // from the result, empty when it has none
  std::string project_dir;  // $HOME/.claude/projects/<cwd as Claude Code names it>
};

// `claude -p PROMPT --output-format json --allowedTools TOOLS...` in `cwd`,
// run_offline() with ANTHROPIC_BASE_URL=base_url, an API key, and the
// variables that keep it from contacting anything else (nonessential
// traffic, auto-update, telemetry, error reporting).
ClaudeCodeRun run_claude_code(const std::string& claude, const std::string& home,
                              const std::string& cwd, const std::string& base_url,
                              const std::string& prompt,
                              const std::vector<std::string>& allowed_tools);

// The whole lines of type "assistant" in a transcript, by message.id, in order.
std::map<std::string, std::vector<std::string>> assistant_lines(const std::string& jsonl_path);

// The subagent transcripts (.jsonl) of a session of `run`.
std::vector<std::string> subagent_transcripts(const ClaudeCodeRun& run);

}  // namespace codepulse::test
