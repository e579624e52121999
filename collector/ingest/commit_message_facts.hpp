// What a pushed commit's message says that the delivery metrics need
// (docs/DELIVERY.md), read in memory while the webhook is parsed: whether it
// is a merge, which commit it reverts or fixes, whether it is a hotfix, which
// task keys it names. Only these flags, SHAs and keys are kept; the message
// itself never is.
#pragma once

#include <cstddef>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace codepulse::collector {

struct MessageRules {
  std::vector<std::regex> hotfix;  // a message matching any of them is a hotfix
};

// Comma-separated ECMAScript regular expressions, matched without case
// anywhere in the message ("" = none); an error names the pattern that does
// not compile.
Result<MessageRules> parse_message_rules(std::string_view patterns);
// The default of hotfix_message_patterns.
inline constexpr const char* kDefaultHotfixMessagePatterns = "^hotfix\\b,\\[hotfix\\]";

struct MessageFacts {
  bool merge = false;
  std::string reverts_sha;  // lower-case hex, 7 to 40 digits; "" when it reverts nothing
  bool hotfix = false;
  std::string task_keys;  // the task keys it names, comma-separated (find_task_keys)
  std::string fixes_sha;  // a "Fixes: <sha>" trailer's commit, lower-case hex, 7 to 40 digits
};

// A merge: more than one parent (`parents`; 0 when the vendor does not say),
// a commit GitHub's merge button made (committer noreply@github.com), or a
// message git or a host writes for a merge ("Merge branch ...", "Merge pull
// request #...", "Merge remote-tracking branch ...", Bitbucket's "Merged in
// ..."). A revert: git's "This reverts commit <sha>". A fix: a line
// "Fixes: <sha>" (the Linux kernel's trailer; "Fixes: <sha> (\"subject\")"
// too), the first one; a "Fixes: PROJ-12" names no commit.
MessageFacts read_message(std::string_view message, std::string_view committer_email,
                          size_t parents, const MessageRules& rules);

}  // namespace codepulse::collector
