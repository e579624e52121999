// What a commit message may contribute to a commit record: the task keys it
// names and whether an AI assistant is credited as co-author. The message
// itself is read in memory and dropped; it is never stored, logged or sent.
#pragma once

#include <string>
#include <string_view>

namespace codepulse::tracker {

struct MessageFacts {
  std::string task_keys;  // comma-separated, the same rule as for branch names
  bool ai_coauthor = false;
};

// A "Co-Authored-By:" line (any case, anywhere in the message) whose name or
// address names an AI coding assistant: Claude (anthropic.com), GitHub
// Copilot, Cursor, OpenAI Codex, Aider, Devin, Gemini (docs/METRICS.md).
bool names_ai_assistant(std::string_view coauthor);
MessageFacts read_commit_message(std::string_view message);

}  // namespace codepulse::tracker
