// Effective-dated changes of the people directory as of a day (SCIM's group
// pushes, a level changed today): a person joins a team (or reaches a level)
// from `today`, leaves it through yesterday, and a node is renamed with its
// memberships and children. Days are "YYYY-MM-DD" (UTC).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "collector/store/people_rows.hpp"

namespace codepulse::collector {

// The value (team or level) of `person`'s period covering `today`, or "".
std::string value_on(const std::vector<PeriodRow>& periods, int64_t person,
                     const std::string& today);
// `person` has `value` from `today`: the period covering today ends
// yesterday (one that started today is dropped); the new one runs until the
// day before the person's next period, or stays open. Nothing changes when
// the value on `today` is already `value`.
void start_period(std::vector<PeriodRow>& periods, int64_t person, const std::string& value,
                  const std::string& today);
// `person` has `value` no more from `today`: its period covering today ends
// yesterday (dropped when it started today). Anything else stays.
void end_period(std::vector<PeriodRow>& periods, int64_t person, const std::string& value,
                const std::string& today);
// Renames node `from` to `to` (any case), with the memberships naming it and
// its children's parent.
void rename_team(PeopleRows& d, const std::string& from, const std::string& to);
// The day before `day` ("YYYY-MM-DD").
std::string day_before(const std::string& day);

}  // namespace codepulse::collector
