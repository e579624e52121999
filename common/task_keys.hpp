// Task keys (Jira issue keys such as "PROJ-123") found in free text: a branch
// name, a commit message, a pull request title. Only the keys leave the text.
#pragma once

#include <string>
#include <string_view>

namespace codepulse {

// The keys in `text` ([A-Z][A-Z0-9]+-[0-9]+, not inside a longer word),
// comma-separated, each once, in the order they first appear.
std::string find_task_keys(std::string_view text);

}  // namespace codepulse
