// The assistants whose logs the tracker reads: the values of a record's
// `assistant` field and of the report dimension of that name.
#pragma once

#include <string_view>

namespace codepulse {

inline constexpr std::string_view kClaudeCode = "claude-code";
inline constexpr std::string_view kCodex = "codex";
inline constexpr std::string_view kGeminiCli = "gemini-cli";
inline constexpr std::string_view kOpenCode = "opencode";
inline constexpr std::string_view kCopilotCli = "copilot-cli";
inline constexpr std::string_view kClaudeDesktop = "claude-desktop";

inline constexpr std::string_view kAssistants[] = {kClaudeCode, kCodex,      kGeminiCli,
                                                   kOpenCode,   kCopilotCli, kClaudeDesktop};

// A well-formed assistant name: 1 to 32 of a-z, 0-9 and '-'. A collector
// accepts any such name, so a newer tracker's new reader is not refused.
constexpr bool is_assistant_name(std::string_view s) {
  if (s.empty() || s.size() > 32) return false;
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

}  // namespace codepulse
