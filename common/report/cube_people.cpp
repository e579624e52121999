// The cube query's people dimensions: person, team, group, org and level
// worked out from each group's author and UTC day through the cube's people
// timeline (people_timeline.hpp), never stored per group.
#include "common/report/cube_query_internal.hpp"

namespace codepulse::report {

void CubeQuery::prepare_people() {
  person_names_.intern(kNoPerson);
  team_names_.intern(kNoTeam);
  group_names_.intern(kNoGroup);
  org_names_.intern(kNoOrg);
  level_names_.intern(kNoLevel);
  bool used = false;
  for (Dimension d : {Dimension::kPerson, Dimension::kTeam, Dimension::kGroup, Dimension::kOrg,
                      Dimension::kLevel})
    used = used || q_.uses(d);
  const PeopleTimeline* people = c_.people_.get();
  if (!used || !people) return;
  want_people_ = true;
  author_person_.assign(c_.authors_.size(), kNone);
  for (uint32_t a = 0; a < c_.authors_.size(); ++a)
    if (const auto p = people->person_of(c_.authors_.name(a))) author_person_[a] = *p;
  for (uint32_t p = 0; p < people->person_count(); ++p)
    person_ids_.push_back(person_names_.intern(people->person_key(p)));
  for (const PeopleTimeline::Team& t : people->teams()) {
    team_ids_.push_back(team_names_.intern(t.name));
    group_ids_.push_back(t.group.empty() ? 0 : group_names_.intern(t.group));
    org_ids_.push_back(t.org.empty() ? 0 : org_names_.intern(t.org));
  }
  for (const std::string& l : people->levels())
    level_ids_.push_back(level_names_.intern(l));
}

uint32_t CubeQuery::people_key(Dimension d, const UsageCube::Group& g) const {
  if (!want_people_ || g.author >= author_person_.size()) return 0;
  const uint32_t p = author_person_[g.author];
  if (p == kNone) return 0;
  if (d == Dimension::kPerson) return person_ids_[p];
  const PeopleTimeline& people = *c_.people_;
  const int64_t day = floor_div(g.bucket * kBucketMs, 86'400'000);
  if (d == Dimension::kLevel) {
    const auto l = people.level_on(p, day);
    return l ? level_ids_[*l] : 0;
  }
  const auto t = people.team_on(p, day);
  if (!t) return 0;
  return d == Dimension::kTeam    ? team_ids_[*t]
         : d == Dimension::kGroup ? group_ids_[*t]
                                  : org_ids_[*t];
}

bool CubeQuery::people_allowed(const UsageCube::Group& g) const {
  for (Dimension d : {Dimension::kPerson, Dimension::kTeam, Dimension::kGroup, Dimension::kOrg,
                      Dimension::kLevel})
    if (!allows(d, people_key(d, g))) return false;
  return true;
}

void CubeQuery::prepare_scope() {
  if (q_.scope.whole()) return;
  const PeopleTimeline* people = c_.people_.get();
  scope_.emplace(q_.scope, people);
  if (!scope_->by_day()) {
    author_in_scope_.assign(c_.authors_.size(), 0);
    for (uint32_t a = 0; a < c_.authors_.size(); ++a)
      author_in_scope_[a] = scope_->allows(c_.authors_.name(a), 0) ? 1 : 0;
    return;
  }
  scope_person_.assign(c_.authors_.size(), kNone);
  if (!people) return;
  for (uint32_t a = 0; a < c_.authors_.size(); ++a)
    if (const auto p = people->person_of(c_.authors_.name(a))) scope_person_[a] = *p;
}

bool CubeQuery::in_scope(const UsageCube::Group& g) const {
  if (!scope_->by_day())
    return g.author < author_in_scope_.size() && author_in_scope_[g.author] != 0;
  if (g.author >= scope_person_.size() || scope_person_[g.author] == kNone) return false;
  return scope_->allows_person(scope_person_[g.author], {},
                               floor_div(g.bucket * kBucketMs, 86'400'000));
}

}  // namespace codepulse::report
