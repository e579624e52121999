#include "tracker/git/commit_message.hpp"

#include "common/ascii.hpp"
#include "common/task_keys.hpp"

namespace codepulse::tracker {
namespace {

char lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool icontains(std::string_view text, std::string_view needle) {
  if (needle.size() > text.size()) return false;
  for (size_t i = 0; i + needle.size() <= text.size(); ++i) {
    size_t j = 0;
    while (j < needle.size() && lower(text[i + j]) == needle[j])
      ++j;
    if (j == needle.size()) return true;
  }
  return false;
}

// Lowercase fragments of the names and addresses assistants sign with.
constexpr std::string_view kAssistantMarks[] = {
    "anthropic.com",    "claude", "copilot", "cursoragent", "cursor.com", "cursor agent",
    "openai.com",       "codex",  "aider",   "devin-ai",    "devin ai",   "gemini",
    "google-labs-jules"};

}  // namespace

bool names_ai_assistant(std::string_view coauthor) {
  for (std::string_view mark : kAssistantMarks)
    if (icontains(coauthor, mark)) return true;
  return false;
}

MessageFacts read_commit_message(std::string_view message) {
  MessageFacts facts;
  facts.task_keys = find_task_keys(message);
  constexpr std::string_view kTrailer = "co-authored-by:";
  while (!message.empty() && !facts.ai_coauthor) {
    const size_t nl = message.find('\n');
    const std::string_view line = trim(message.substr(0, nl), " \t\r");
    message = nl == std::string_view::npos ? std::string_view() : message.substr(nl + 1);
    if (line.size() > kTrailer.size() && icontains(line.substr(0, kTrailer.size()), kTrailer))
      facts.ai_coauthor = names_ai_assistant(line.substr(kTrailer.size()));
  }
  return facts;
}

}  // namespace codepulse::tracker
