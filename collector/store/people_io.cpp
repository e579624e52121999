// Reading and writing the whole people directory (people_io.hpp).
#include "collector/store/people_io.hpp"

#include <algorithm>
#include <map>

#include "collector/store/people_sql.hpp"

namespace codepulse::collector {

Result<PeopleRows> read_people_with(const PeopleQuery& query) {
  PeopleRows d;
  Status failed;
  auto s = query(people_sql::kSelectPeople, [&](const RowView& row) {
    auto p = read_person(row);
    if (p)
      d.people.push_back(std::move(p).value());
    else
      failed = p.error();
  });
  if (s) s = failed;
  std::map<int64_t, std::vector<std::string>> aliases;
  if (s)
    s = query(people_sql::kSelectAliases,
              [&](const RowView& row) { aliases[row.int64(0)].emplace_back(row.text(1)); });
  if (s)
    s = query(people_sql::kSelectTeams,
              [&](const RowView& row) { d.teams.push_back(read_team(row)); });
  if (s)
    s = query(people_sql::kSelectMemberships,
              [&](const RowView& row) { d.memberships.push_back(read_period(row)); });
  if (s)
    s = query(people_sql::kSelectLevels,
              [&](const RowView& row) { d.levels.push_back(read_period(row)); });
  if (s)
    s = query(people_sql::kSelectLevelOrder,
              [&](const RowView& row) { d.level_order.emplace_back(row.text(1)); });
  if (!s) return s.error();
  for (PersonRow& p : d.people)
    p.aliases = std::move(aliases[p.id]);
  normalize_people(d);
  return d;
}

Status write_people_with(const PeopleRows& d, const PeopleExec& exec) {
  for (const char* sql : people_sql::kClear)
    if (auto s = exec(sql, {}); !s) return s;
  for (size_t i = 0; i < d.level_order.size(); ++i)
    if (auto s =
            exec(people_sql::kInsertLevelOrder, {static_cast<int64_t>(i + 1), d.level_order[i]});
        !s)
      return s;
  for (const TeamRow& t : d.teams)
    if (auto s = exec(people_sql::kInsertTeam, {t.name, std::string(team_kind_name(t.kind)),
                                                t.parent, t.id, t.external_id, int64_t{t.retired}});
        !s)
      return s;
  for (const PersonRow& p : d.people) {
    if (auto s = exec(people_sql::kInsertPerson,
                      {p.id, p.display_name, p.email, p.role, p.start_day, p.end_day,
                       int64_t{p.active}, p.user_name, p.external_id});
        !s)
      return s;
    for (const std::string& a : p.aliases)
      if (auto s = exec(people_sql::kInsertAlias, {a, p.id}); !s) return s;
  }
  for (const PeriodRow& m : d.memberships)
    if (auto s = exec(people_sql::kInsertMembership, {m.person_id, m.value, m.from_day, m.to_day});
        !s)
      return s;
  for (const PeriodRow& l : d.levels)
    if (auto s = exec(people_sql::kInsertLevel, {l.person_id, l.value, l.from_day, l.to_day}); !s)
      return s;
  return {};
}

Status follow_team_renames_with(const PeopleRows& before, const PeopleRows& after,
                                const PeopleExec& exec) {
  for (const TeamRow& old_team : before.teams) {
    if (old_team.id <= 0) continue;
    const auto renamed = std::find_if(
        after.teams.begin(), after.teams.end(),
        [&](const TeamRow& t) { return t.id == old_team.id && t.name != old_team.name; });
    if (renamed == after.teams.end()) continue;
    for (const char* kind : {"team:", "group:", "org:"}) {
      const std::string from = kind + old_team.name;
      const std::string to = kind + renamed->name;
      for (const char* sql : {people_sql::kRenameTokenScope, people_sql::kRenameSessionScope})
        if (auto s = exec(sql, {to, from}); !s) return s;
    }
    if (auto s = exec(people_sql::kRenameTeamBudgets, {renamed->name, old_team.name}); !s) return s;
  }
  return {};
}

}  // namespace codepulse::collector
