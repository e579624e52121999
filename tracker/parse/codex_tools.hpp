// parse: a Codex tool call (a rollout's function_call, custom_tool_call or
// local_shell_call item) reduced to ToolCalls: a shell command to whether it
// is a git commit, an apply_patch to the files it touches and how many lines
// it adds and removes, any other tool to its name. The command and the patch
// are read here and never leave this file.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/line_fingerprint.hpp"
#include "tracker/parse/line_parser.hpp"

namespace codepulse::tracker {

struct CodexCallItem {
  std::string_view type;     // function_call, custom_tool_call, local_shell_call
  std::string_view name;     // exec_command, shell, apply_patch, ...
  std::string_view call_id;  // call_...
  std::string_view text;     // function_call: its arguments (JSON); custom_tool_call: its input
  std::vector<std::string_view> command;  // local_shell_call: action.command
};

class CodexToolReader {
 public:
  // Appends what the call shows to `out` (nothing without a call id);
  // `at_ms` is the time of the call's line (0: unknown).
  void add(const CodexCallItem& item, std::vector<ToolCall>& out, int64_t at_ms = 0);
  // apply_patch's added lines are fingerprinted with `fp` (line provenance,
  // docs/PROVENANCE.md); null leaves them empty.
  void set_fingerprinter(LineFingerprinter* fp) { fp_ = fp; }
  // Calls made over an hour before `ms` are not fingerprinted: their lines
  // were written then, before the written lines a scan keeps. A call joins
  // the next request counted, nearly always the response that made it,
  // seconds later; one an interrupted response left can join a later one
  // (after `codex resume`), whose time its lines were kept under before.
  // INT64_MIN: every call is fingerprinted.
  void set_fingerprint_since(int64_t ms) { since_ = ms; }

 private:
  LineFingerprinter* fp_ = nullptr;
  int64_t since_ = INT64_MIN;
  simdjson::ondemand::parser parser_;
  std::string buf_;
};

// The calls of one apply_patch: one per file ("*** Add File:", "*** Update
// File:", "*** Delete File:", renamed by "*** Move to:"), each counted with
// its '+' and '-' lines. The first keeps `call_id`, the n-th (n > 1) is
// "<call_id>#n". With `fp`, the '+' lines of each file are fingerprinted
// into its written_lines (the text is dropped).
void add_codex_patch_calls(std::string_view patch, std::string_view call_id,
                           std::vector<ToolCall>& out, LineFingerprinter* fp = nullptr);

}  // namespace codepulse::tracker
