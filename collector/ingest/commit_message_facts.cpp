#include "collector/ingest/commit_message_facts.hpp"

#include <functional>

#include "common/ascii.hpp"
#include "common/task_keys.hpp"

namespace codepulse::collector {
namespace {

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

bool hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

// The hex digits at the start of `s` (at most 40); "" when fewer than 7.
std::string sha_at(std::string_view s) {
  size_t n = 0;
  while (n < s.size() && n < 40 && hex(s[n]))
    ++n;
  if (n < 7 || (n < s.size() && (hex(s[n]) || s[n] == '-' || s[n] == '_'))) return "";
  return ascii_lower(s.substr(0, n));
}

// The SHA of the first "Fixes: <sha>" line (the key matched without case).
std::string fixes_trailer(std::string_view message) {
  size_t at = 0;
  while (at < message.size()) {
    const size_t nl = message.find('\n', at);
    std::string_view line =
        trim(message.substr(at, nl == std::string_view::npos ? std::string_view::npos : nl - at));
    if (line.size() > 6 && ascii_lower(line.substr(0, 6)) == "fixes:") {
      std::string sha = sha_at(trim(line.substr(6)));
      if (!sha.empty()) return sha;
    }
    if (nl == std::string_view::npos) break;
    at = nl + 1;
  }
  return "";
}

}  // namespace

namespace {

// The non-empty trimmed items of a comma-separated list, in order; the first
// error `take` returns stops the walk.
Status each_item(std::string_view list, const std::function<Status(std::string_view)>& take) {
  size_t at = 0;
  while (at <= list.size()) {
    const size_t comma = list.find(',', at);
    const std::string_view one = trim(
        list.substr(at, comma == std::string_view::npos ? std::string_view::npos : comma - at));
    if (!one.empty())
      if (auto s = take(one); !s) return s;
    if (comma == std::string_view::npos) break;
    at = comma + 1;
  }
  return {};
}

// An ECMAScript regular expression matched without case; an error names
// what it was for.
Result<std::regex> no_case_regex(std::string_view pattern, const std::string& what) {
  try {
    return std::regex(std::string(pattern),
                      std::regex::ECMAScript | std::regex::icase | std::regex::nosubs);
  } catch (const std::regex_error& e) {
    return make_error(what + " is not a regular expression: " + e.what());
  }
}

}  // namespace

Result<MessageRules> parse_message_rules(std::string_view patterns) {
  MessageRules rules;
  auto s = each_item(patterns, [&](std::string_view one) -> Status {
    auto re = no_case_regex(one, "hotfix pattern '" + std::string(one) + "'");
    if (!re) return re.error();
    rules.hotfix.push_back(std::move(re).value());
    return {};
  });
  if (!s) return s.error();
  return rules;
}

Result<std::vector<DeployStatusRule>> parse_deploy_status_rules(std::string_view rules) {
  std::vector<DeployStatusRule> out;
  auto s = each_item(rules, [&](std::string_view one) -> Status {
    const size_t eq = one.find('=');
    const std::string_view env = eq == std::string_view::npos ? "" : trim(one.substr(0, eq));
    const std::string_view pattern = eq == std::string_view::npos ? "" : trim(one.substr(eq + 1));
    if (env.empty() || pattern.empty() || env.size() > 64 ||
        env.find_first_of(" \t\"\\") != std::string_view::npos)
      return make_error("deploy status rule '" + std::string(one) +
                        "' is not ENVIRONMENT=PATTERN (an environment name of at most 64 "
                        "characters, without spaces)");
    auto re = no_case_regex(pattern, "deploy status rule '" + std::string(one) + "': the pattern");
    if (!re) return re.error();
    out.push_back({std::string(env), std::move(re).value()});
    return {};
  });
  if (!s) return s.error();
  return out;
}

const DeployStatusRule* deploy_rule_of(const std::vector<DeployStatusRule>& rules,
                                       std::string_view name, std::string_view key) {
  for (const DeployStatusRule& r : rules)
    if (std::regex_search(name.begin(), name.end(), r.pattern) ||
        std::regex_search(key.begin(), key.end(), r.pattern))
      return &r;
  return nullptr;
}

MessageFacts read_message(std::string_view message, std::string_view committer_email,
                          size_t parents, const MessageRules& rules) {
  MessageFacts out;
  const std::string committer = ascii_lower(trim(committer_email));
  out.merge =
      parents > 1 || committer == "noreply@github.com" || starts_with(message, "Merge branch ") ||
      starts_with(message, "Merge pull request #") ||
      starts_with(message, "Merge remote-tracking branch ") || starts_with(message, "Merged in ");
  constexpr std::string_view kReverts = "This reverts commit ";
  if (const size_t at = message.find(kReverts); at != std::string_view::npos) {
    size_t end = at + kReverts.size();
    while (end < message.size() && hex(message[end]) && end - at - kReverts.size() < 40)
      ++end;
    const size_t n = end - at - kReverts.size();
    if (n >= 7) out.reverts_sha = ascii_lower(message.substr(at + kReverts.size(), n));
  }
  out.fixes_sha = fixes_trailer(message);
  out.task_keys = find_task_keys(message);
  const std::string text(message);
  for (const std::regex& r : rules.hotfix)
    if (std::regex_search(text, r, std::regex_constants::match_any)) {
      out.hotfix = true;
      break;
    }
  return out;
}

}  // namespace codepulse::collector
