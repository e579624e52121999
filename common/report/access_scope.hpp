// Who a report is for (docs/ACCESS.md): the part of the organisation a
// caller may see — all of it, the subtree of one node of the people
// directory (an organisation, a group or a team), or only their own usage —
// and the privacy floor (min_group_size) of callers who may not see
// individuals. The report engine applies both at query time, once, to every
// report it answers: a record, commit or pull request whose person on that
// UTC day is outside the scope never enters a node.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace codepulse::report {

class PeopleTimeline;

struct AccessScope {
  enum class Kind { kOrg, kNode, kSelf };
  Kind kind = Kind::kOrg;
  // kNode: the node's kind as written ("org", "group" or "team") and name;
  // kSelf: "self" and the person's email.
  std::string node_kind, name;

  bool whole() const { return kind == Kind::kOrg; }
  // "org", "team:api", "group:platform", "org:acme", "self:alice@acme.example".
  std::string text() const;
  bool operator==(const AccessScope&) const = default;
};

// The inverse of text(); errors name what is wrong and the forms accepted.
Result<AccessScope> parse_access_scope(std::string_view text);

// What a report's caller may see: the scope, and the privacy floor (rows
// standing for fewer than min_group_size distinct people are merged into
// "(others)"; 0 or 1: no floor).
struct ReportAccess {
  AccessScope scope;
  size_t min_group_size = 0;
};

// A scope resolved against a people directory.
class ScopeMatcher {
 public:
  // `people` may be null (no directory): a node scope then holds no one, a
  // self scope only the email itself.
  ScopeMatcher(const AccessScope& scope, const PeopleTimeline* people);

  bool whole() const { return whole_; }
  // Whether a record of `author` on UTC day `day` (days since 1970-01-01)
  // is inside the scope.
  bool allows(std::string_view author, int64_t day) const;
  // The same for a person of the directory (nullopt: an author no one claims).
  bool allows_person(std::optional<uint32_t> person, std::string_view author, int64_t day) const;
  // True when the scope follows the person's team (a node scope), so the
  // day matters; a self scope depends on the author only.
  bool by_day() const { return !whole_ && !self_; }

 private:
  const PeopleTimeline* people_ = nullptr;
  bool whole_ = true, self_ = false;
  std::optional<uint32_t> self_person_;
  std::string self_email_;     // lower-cased
  std::vector<bool> team_in_;  // per timeline node: inside the subtree
};

// UTC day number of an instant in ms.
inline int64_t utc_day_of(int64_t ms) {
  return ms >= 0 ? ms / 86'400'000 : (ms - 86'399'999) / 86'400'000;
}

}  // namespace codepulse::report
