// Effective-dated changes of the people directory (people_moves.hpp).
#include "collector/store/people_moves.hpp"

#include <algorithm>

#include "common/ascii.hpp"
#include "common/time.hpp"

namespace codepulse::collector {
namespace {

// "" as a from day is the beginning of time, as a to day the end: plain
// string comparison of "YYYY-MM-DD" days orders them.
bool covers(const PeriodRow& r, const std::string& day) {
  return (r.from_day.empty() || r.from_day <= day) && (r.to_day.empty() || day <= r.to_day);
}

bool same(const std::string& a, const std::string& b) {
  return ascii_lower(a) == ascii_lower(b);
}

// Ends `person`'s period covering `today` (of `value`, or any when "") at
// yesterday, or drops it when it started today.
void close_today(std::vector<PeriodRow>& periods, int64_t person, const std::string* value,
                 const std::string& today) {
  const std::string yesterday = day_before(today);
  std::erase_if(periods, [&](PeriodRow& r) {
    if (r.person_id != person || !covers(r, today) || (value && !same(r.value, *value)))
      return false;
    if (r.from_day == today) return true;
    r.to_day = yesterday;
    return false;
  });
}

}  // namespace

std::string day_before(const std::string& day) {
  const CivilDate d{std::stoi(day.substr(0, 4)), static_cast<unsigned>(std::stoi(day.substr(5, 2))),
                    static_cast<unsigned>(std::stoi(day.substr(8, 2)))};
  return format_date(civil_from_days(days_from_civil(d) - 1));
}

std::string value_on(const std::vector<PeriodRow>& periods, int64_t person,
                     const std::string& today) {
  for (const PeriodRow& r : periods)
    if (r.person_id == person && covers(r, today)) return r.value;
  return "";
}

void start_period(std::vector<PeriodRow>& periods, int64_t person, const std::string& value,
                  const std::string& today) {
  const std::string now = value_on(periods, person, today);
  if (!now.empty() && same(now, value)) return;
  close_today(periods, person, nullptr, today);
  std::string next;  // the person's first period after today
  for (const PeriodRow& r : periods)
    if (r.person_id == person && !r.from_day.empty() && r.from_day > today &&
        (next.empty() || r.from_day < next))
      next = r.from_day;
  periods.push_back(PeriodRow{person, value, today, next.empty() ? "" : day_before(next)});
}

void end_period(std::vector<PeriodRow>& periods, int64_t person, const std::string& value,
                const std::string& today) {
  close_today(periods, person, &value, today);
}

void rename_team(PeopleRows& d, const std::string& from, const std::string& to) {
  for (TeamRow& t : d.teams) {
    if (same(t.name, from)) t.name = to;
    if (!t.parent.empty() && same(t.parent, from)) t.parent = to;
  }
  for (PeriodRow& m : d.memberships)
    if (same(m.value, from)) m.value = to;
}

}  // namespace codepulse::collector
