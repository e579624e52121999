// Reading webhook bodies (GitHub, Bitbucket, Jira) with simdjson: the checks
// every field a webhook parser keeps goes through, and the vendors' times.
// The read_* functions set `out` from the field `key` of `e` and return an
// error naming `what` when the field is there but not what it should be.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace codepulse::collector::webhook_json {

constexpr size_t kMaxName = 256;  // logins, branch names, emails, ids
// Pull request numbers (GitHub's number, Bitbucket's id) are 32-bit at both
// vendors: anything larger is not a pull request of theirs.
constexpr int64_t kMaxPullRequestNumber = 2'147'483'647;

// The body as a JSON object, parsed by `parser` (which must outlive it).
Result<simdjson::dom::element> parse_object(simdjson::dom::parser& parser, std::string_view body);

// At most `max` bytes and no control characters (C0, DEL, C1:
// common/text_controls.hpp), the rule batches follow too.
bool plain(std::string_view s, size_t max = kMaxName);
// The string at `key`, "" when absent or not a string.
std::string_view text_of(simdjson::dom::element e, const char* key);
// The object at `key`; absent, null or not an object: an error naming `what`.
Result<simdjson::dom::element> object_at(simdjson::dom::element e, const char* key,
                                         const std::string& what);
// `value` when plain; otherwise an error naming `what`.
Result<std::string> plain_text(std::string_view value, const std::string& what,
                               size_t max = kMaxName);

// A plain string; absent: "".
Status read_text(simdjson::dom::element e, const char* key, const std::string& what,
                 std::string& out);
// An amount in US dollars at `key`, as a string ("39.99") or a number (its
// exact decimal text); absent: "KEY: required (`absent`)".
Result<std::string> read_dollars(simdjson::dom::element e, const char* key,
                                 const std::string& absent);
// A commit SHA, lower-cased: `full`, exactly 40 hex digits (required);
// otherwise 7 to 40 (Bitbucket abbreviates), or absent: "".
Status read_sha(simdjson::dom::element e, const char* key, const std::string& what, bool full,
                std::string& out);
// A time (parse_time) in ms UTC; absent or null: 0, or an error when `required`.
Status read_time(simdjson::dom::element e, const char* key, const std::string& what, bool required,
                 int64_t& out);
// `prefix` + the plain string `id` of the account object at `key`
// ("github:" + login); "" when there is no such object or id.
Status read_account(simdjson::dom::element e, const char* key, const char* id,
                    std::string_view prefix, const std::string& what, std::string& out);

// "HOST/owner/name" from repository.full_name "Owner/Name", lower-cased.
Result<std::string> repo_of(simdjson::dom::element doc, std::string_view host);

// An ISO-8601 time with "Z" or a "+HH:MM"/"-HH:MM" offset, fractions of a
// second allowed, in ms UTC.
std::optional<int64_t> parse_time(std::string_view text);

// The email in a git author line "Name <email>"; "" when there is none.
std::string_view email_of_author_line(std::string_view raw);

}  // namespace codepulse::collector::webhook_json
