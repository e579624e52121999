// The people directory as reports see it (people_timeline.hpp).
#include "common/report/people_timeline.hpp"

#include "common/ascii.hpp"

namespace codepulse::report {

bool people_dimension(Dimension d) {
  return d == Dimension::kPerson || d == Dimension::kTeam || d == Dimension::kGroup ||
         d == Dimension::kOrg || d == Dimension::kLevel;
}

uint32_t PeopleTimeline::add_person(std::string key) {
  persons_.push_back(Person{std::move(key), {}, {}});
  return static_cast<uint32_t>(persons_.size() - 1);
}

void PeopleTimeline::add_alias(std::string_view alias, uint32_t person) {
  aliases_[ascii_lower(alias)] = person;
}

uint32_t PeopleTimeline::add_team(Team team) {
  teams_.push_back(std::move(team));
  return static_cast<uint32_t>(teams_.size() - 1);
}

uint32_t PeopleTimeline::add_level(std::string name) {
  levels_.push_back(std::move(name));
  return static_cast<uint32_t>(levels_.size() - 1);
}

void PeopleTimeline::add_membership(uint32_t person, Span span) {
  persons_[person].teams.push_back(span);
}

void PeopleTimeline::add_level_span(uint32_t person, Span span) {
  persons_[person].levels.push_back(span);
}

std::optional<uint32_t> PeopleTimeline::person_of(std::string_view author) const {
  const auto it = aliases_.find(ascii_lower(author));
  if (it == aliases_.end()) return std::nullopt;
  return it->second;
}

// Spans of one person do not overlap (the store refuses it): the first
// that holds the day is the one.
std::optional<uint32_t> PeopleTimeline::on(const std::vector<Span>& spans, int64_t day) {
  for (const Span& s : spans)
    if (s.from_day <= day && day <= s.to_day) return s.value;
  return std::nullopt;
}

std::optional<uint32_t> PeopleTimeline::team_on(uint32_t p, int64_t day) const {
  return on(persons_[p].teams, day);
}

std::optional<uint32_t> PeopleTimeline::level_on(uint32_t p, int64_t day) const {
  return on(persons_[p].levels, day);
}

std::string PeopleTimeline::key(Dimension d, std::string_view author, int64_t day) const {
  const auto p = person_of(author);
  if (d == Dimension::kPerson) return p ? persons_[*p].key : kNoPerson;
  if (d == Dimension::kLevel) {
    const auto l = p ? level_on(*p, day) : std::nullopt;
    return l ? levels_[*l] : kNoLevel;
  }
  const auto t = p ? team_on(*p, day) : std::nullopt;
  if (d == Dimension::kTeam) return t ? teams_[*t].name : kNoTeam;
  if (d == Dimension::kGroup) return t && !teams_[*t].group.empty() ? teams_[*t].group : kNoGroup;
  return t && !teams_[*t].org.empty() ? teams_[*t].org : kNoOrg;
}

}  // namespace codepulse::report
