// The people directory as reports see it: each author (an alias) folded into
// a person, and each person's team (with its group and organisation) and
// seniority level in force on a UTC day. Reports derive the person, team,
// group, org and level dimensions from a record's author and day through it
// at query time (docs/ATTRIBUTION.md, "People"); nothing is kept per record.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/report/report.hpp"

namespace codepulse::report {

// The keys of what the directory does not know: an author that is no one's
// alias, a day a person is in no team or has no level, a team outside any
// group or organisation.
inline constexpr const char* kNoPerson = "(no person)";
inline constexpr const char* kNoTeam = "(no team)";
inline constexpr const char* kNoGroup = "(no group)";
inline constexpr const char* kNoOrg = "(no org)";
inline constexpr const char* kNoLevel = "(no level)";

// True for the dimensions the directory answers: person, team, group, org, level.
bool people_dimension(Dimension d);

class PeopleTimeline {
 public:
  struct Team {
    std::string name, group, org;  // group and org: "" when none
    // The node's name and every node's above it, nearest first (scopes of
    // access: access_scope.hpp).
    std::vector<std::string> path = {};
  };
  // Days are counted from 1970-01-01 (UTC); `to_day` is the last day (inclusive).
  struct Span {
    int64_t from_day = 0, to_day = INT64_MAX;
    uint32_t value = 0;  // a team or a level index
  };

  // Building: a person's key is its primary email (the person dimension's key).
  uint32_t add_person(std::string key);
  // Aliases are compared without case.
  void add_alias(std::string_view alias, uint32_t person);
  uint32_t add_team(Team team);
  uint32_t add_level(std::string name);
  void add_membership(uint32_t person, Span span);  // span.value: a team index
  void add_level_span(uint32_t person, Span span);  // span.value: a level index

  size_t person_count() const { return persons_.size(); }
  const std::string& person_key(uint32_t p) const { return persons_[p].key; }
  const std::vector<Team>& teams() const { return teams_; }
  const std::vector<std::string>& levels() const { return levels_; }

  // The person an author is an alias of.
  std::optional<uint32_t> person_of(std::string_view author) const;
  // The team or level index in force for person `p` on `day`.
  std::optional<uint32_t> team_on(uint32_t p, int64_t day) const;
  std::optional<uint32_t> level_on(uint32_t p, int64_t day) const;
  // The key of people dimension `d` for a record of `author` on UTC day `day`.
  std::string key(Dimension d, std::string_view author, int64_t day) const;

 private:
  struct Person {
    std::string key;
    std::vector<Span> teams, levels;
  };
  static std::optional<uint32_t> on(const std::vector<Span>& spans, int64_t day);
  std::vector<Person> persons_;
  std::vector<Team> teams_;
  std::vector<std::string> levels_;
  std::unordered_map<std::string, uint32_t> aliases_;  // lower-cased
};

}  // namespace codepulse::report
