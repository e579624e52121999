// What every store makes of the people directory: its checks, its edits,
// the rows read back and the timeline reports use (people_rows.hpp).
#include "collector/store/people_rows.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "collector/store/provider_rows.hpp"
#include "common/ascii.hpp"
#include "common/text_controls.hpp"
#include "common/utf8.hpp"

namespace codepulse::collector {
namespace {

constexpr int64_t kDayMs = 86'400'000;

bool plain(std::string_view s, size_t max) {
  return s.size() <= max && find_control_character(s) == std::string_view::npos &&
         replace_invalid_utf8(s) == s;
}

Status bad(const std::string& what) {
  return make_error(replace_control_characters(what));
}

// A day as a number (days since 1970-01-01); "" is `open`.
int64_t day_or(const std::string& day, int64_t open) {
  return day.empty() ? open : *day_start_ms(day) / kDayMs;
}

Status check_day(const std::string& day, const std::string& what) {
  if (day.empty() || valid_day(day)) return {};
  return bad(what + ": '" + day + "' is not a day (YYYY-MM-DD)");
}

std::string period_name(const PeriodRow& p, const std::string& email, const char* kind) {
  return kind + std::string(" '") + p.value + "' of " + email + " from " +
         (p.from_day.empty() ? "the start" : p.from_day) + " to " +
         (p.to_day.empty() ? "open" : p.to_day);
}

// The periods of each person (memberships or levels) checked: a known
// person, a known value, real days, no overlap.
Status check_periods(const std::vector<PeriodRow>& periods,
                     const std::map<int64_t, const PersonRow*>& by_id,
                     const std::function<bool(const std::string&)>& known, const char* kind) {
  std::map<int64_t, std::vector<const PeriodRow*>> of;
  for (const PeriodRow& p : periods) {
    const auto person = by_id.find(p.person_id);
    if (person == by_id.end())
      return bad(std::string(kind) + " '" + p.value + "' names no person (id " +
                 std::to_string(p.person_id) + ")");
    const std::string name = period_name(p, person->second->email, kind);
    if (!known(p.value)) return bad(name + ": unknown " + kind + " '" + p.value + "'");
    if (auto s = check_day(p.from_day, name); !s) return s;
    if (auto s = check_day(p.to_day, name); !s) return s;
    if (day_or(p.to_day, INT64_MAX) < day_or(p.from_day, INT64_MIN))
      return bad(name + ": ends before it starts");
    of[p.person_id].push_back(&p);
  }
  for (auto& [id, list] : of) {
    std::sort(list.begin(), list.end(), [](const PeriodRow* a, const PeriodRow* b) {
      return day_or(a->from_day, INT64_MIN) < day_or(b->from_day, INT64_MIN);
    });
    for (size_t i = 1; i < list.size(); ++i)
      if (day_or(list[i]->from_day, INT64_MIN) <= day_or(list[i - 1]->to_day, INT64_MAX))
        return bad(period_name(*list[i], by_id.at(id)->email, kind) + " overlaps " +
                   period_name(*list[i - 1], by_id.at(id)->email, kind));
  }
  return {};
}

Status check_teams(const std::vector<TeamRow>& teams) {
  std::map<std::string, const TeamRow*> by_name;
  std::set<int64_t> ids;
  for (const TeamRow& t : teams) {
    if (t.name.empty() || !plain(t.name, kMaxPeopleName))
      return bad("team '" + t.name + "': a name must be plain text of 1 to 200 bytes");
    if (!by_name.emplace(ascii_lower(t.name), &t).second)
      return bad("team '" + t.name + "' is listed twice");
    if (t.id < 0 || (t.id > 0 && !ids.insert(t.id).second))
      return bad("team '" + t.name + "': id " + std::to_string(t.id) + " is taken");
    if (!plain(t.external_id, kMaxPeopleName))
      return bad("team '" + t.name + "': externalId must be plain text of at most 200 bytes");
  }
  for (const TeamRow& t : teams) {
    if (t.parent.empty()) continue;
    const auto parent = by_name.find(ascii_lower(t.parent));
    if (parent == by_name.end())
      return bad(std::string(team_kind_name(t.kind)) + " '" + t.name + "': unknown parent '" +
                 t.parent + "'");
    if (parent->second->kind > t.kind || (t.kind == TeamKind::kOrg))
      return bad(std::string(team_kind_name(t.kind)) + " '" + t.name + "' cannot be under " +
                 team_kind_name(parent->second->kind) + " '" + t.parent +
                 "' (organisation > group > team)");
    // Up the parents: a node met twice is a cycle.
    std::set<std::string> seen{ascii_lower(t.name)};
    for (const TeamRow* up = parent->second; up;) {
      if (!seen.insert(ascii_lower(up->name)).second)
        return bad("team '" + t.name + "': its parents make a cycle (through '" + up->name + "')");
      if (up->parent.empty()) break;
      const auto next = by_name.find(ascii_lower(up->parent));
      up = next == by_name.end() ? nullptr : next->second;
    }
  }
  return {};
}

}  // namespace

const char* team_kind_name(TeamKind k) {
  return k == TeamKind::kOrg ? "org" : k == TeamKind::kGroup ? "group" : "team";
}

std::optional<TeamKind> parse_team_kind(std::string_view name) {
  if (name == "org") return TeamKind::kOrg;
  if (name == "group") return TeamKind::kGroup;
  if (name == "team") return TeamKind::kTeam;
  return std::nullopt;
}

void normalize_people(PeopleRows& d) {
  for (PersonRow& p : d.people) {
    p.email = ascii_lower(p.email);
    for (std::string& a : p.aliases)
      a = ascii_lower(a);
    std::sort(p.aliases.begin(), p.aliases.end());
    p.aliases.erase(std::unique(p.aliases.begin(), p.aliases.end()), p.aliases.end());
    std::erase(p.aliases, p.email);
  }
  std::sort(d.people.begin(), d.people.end(),
            [](const PersonRow& a, const PersonRow& b) { return a.id < b.id; });
  std::sort(d.teams.begin(), d.teams.end(),
            [](const TeamRow& a, const TeamRow& b) { return a.name < b.name; });

  for (auto* periods : {&d.memberships, &d.levels})
    std::sort(periods->begin(), periods->end(), [](const PeriodRow& a, const PeriodRow& b) {
      if (a.person_id != b.person_id) return a.person_id < b.person_id;
      return a.from_day < b.from_day;
    });
}

Status check_people(const PeopleRows& d) {
  std::map<int64_t, const PersonRow*> by_id;
  std::map<std::string, const PersonRow*> owner;  // every email and alias
  std::map<std::string, const PersonRow*> user_names;
  for (const PersonRow& p : d.people) {
    const std::string who = "person " + (p.email.empty() ? std::to_string(p.id) : p.email);
    if (p.id <= 0) return bad(who + ": no id");
    if (!by_id.emplace(p.id, &p).second)
      return bad(who + ": id " + std::to_string(p.id) + " twice");
    if (p.email.empty() || p.email.find(' ') != std::string::npos ||
        !plain(p.email, kMaxPeopleName))
      return bad(who + ": the primary email must be one plain word of at most 200 bytes");
    if (!plain(p.display_name, kMaxPeopleName) || !plain(p.role, kMaxPeopleName))
      return bad(who + ": the name and role must be plain text of at most 200 bytes");
    if (!plain(p.user_name, kMaxPeopleName) || p.user_name.find(' ') != std::string::npos ||
        !plain(p.external_id, kMaxPeopleName))
      return bad(who +
                 ": userName must be one plain word, externalId plain text, of at most "
                 "200 bytes");
    const auto [named, fresh_name] = user_names.emplace(ascii_lower(scim_user_name(p)), &p);
    if (!fresh_name)
      return bad(who + ": userName '" + scim_user_name(p) + "' is already " + named->second->email +
                 "'s");
    if (auto s = check_day(p.start_day, who + "'s start"); !s) return s;
    if (auto s = check_day(p.end_day, who + "'s end"); !s) return s;
    if (day_or(p.end_day, INT64_MAX) < day_or(p.start_day, INT64_MIN))
      return bad(who + ": the end day is before the start day");
    std::vector<std::string> names = p.aliases;
    names.push_back(p.email);
    for (const std::string& n : names) {
      if (n.empty() || n.find(' ') != std::string::npos || !plain(n, kMaxPeopleName))
        return bad(who + ": alias '" + n + "' must be one plain word of at most 200 bytes");
      const auto [it, fresh] = owner.emplace(ascii_lower(n), &p);
      if (!fresh && it->second != &p)
        return bad(who + ": '" + n + "' is already " + it->second->email +
                   "'s (an email or alias belongs to one person)");
    }
  }
  if (auto s = check_teams(d.teams); !s) return s;
  if (d.level_order.size() > kMaxPeopleLevels)
    return bad("at most " + std::to_string(kMaxPeopleLevels) + " levels");
  std::set<std::string> levels;
  for (const std::string& l : d.level_order) {
    if (l.empty() || l.find(',') != std::string::npos || !plain(l, kMaxPeopleName))
      return bad("level '" + l + "': a level must be plain text without commas");
    if (!levels.insert(ascii_lower(l)).second) return bad("level '" + l + "' is listed twice");
  }
  std::set<std::string> teams;
  for (const TeamRow& t : d.teams)
    teams.insert(ascii_lower(t.name));
  auto team_known = [&](const std::string& v) { return teams.count(ascii_lower(v)) > 0; };
  auto level_known = [&](const std::string& v) {
    return std::find(d.level_order.begin(), d.level_order.end(), v) != d.level_order.end();
  };
  if (auto s = check_periods(d.memberships, by_id, team_known, "team"); !s) return s;
  return check_periods(d.levels, by_id, level_known, "level");
}

const PersonRow* find_person(const PeopleRows& d, std::string_view email_or_alias) {
  const std::string low = ascii_lower(email_or_alias);
  for (const PersonRow& p : d.people)
    if (p.email == low || std::find(p.aliases.begin(), p.aliases.end(), low) != p.aliases.end())
      return &p;
  return nullptr;
}

const std::string& scim_user_name(const PersonRow& p) {
  return p.user_name.empty() ? p.email : p.user_name;
}

void assign_team_ids(PeopleRows& d) {
  int64_t next = 1;
  for (const TeamRow& t : d.teams)
    next = std::max(next, t.id + 1);
  for (TeamRow& t : d.teams)
    if (t.id <= 0) t.id = next++;
}

void keep_scim_ids(const PeopleRows& before, PeopleRows& after) {
  for (TeamRow& t : after.teams) {
    if (t.id > 0) continue;
    for (const TeamRow& o : before.teams)
      if (ascii_lower(o.name) == ascii_lower(t.name)) {
        t.id = o.id;
        if (t.external_id.empty()) t.external_id = o.external_id;
      }
  }
  for (PersonRow& p : after.people) {
    if (!p.user_name.empty() || !p.external_id.empty()) continue;
    for (const PersonRow& o : before.people)
      if (o.email == ascii_lower(p.email)) {
        p.user_name = o.user_name;
        p.external_id = o.external_id;
      }
  }
}

Result<int64_t> upsert_person(PeopleRows& d, PersonRow p,
                              const std::optional<std::vector<PeriodRow>>& memberships,
                              const std::optional<std::vector<PeriodRow>>& levels) {
  p.email = ascii_lower(p.email);
  auto same = std::find_if(d.people.begin(), d.people.end(), [&p](const PersonRow& o) {
    return p.id > 0 ? o.id == p.id : o.email == p.email;
  });
  if (p.id > 0 && same == d.people.end()) return make_error("no person " + std::to_string(p.id));
  if (same != d.people.end()) {
    p.id = same->id;
    *same = p;
  } else {
    int64_t next = 1;
    for (const PersonRow& o : d.people)
      next = std::max(next, o.id + 1);
    p.id = next;
    d.people.push_back(p);
  }
  auto replace = [&p](std::vector<PeriodRow>& all,
                      const std::optional<std::vector<PeriodRow>>& now) {
    if (!now) return;
    std::erase_if(all, [&p](const PeriodRow& r) { return r.person_id == p.id; });
    for (PeriodRow r : *now) {
      r.person_id = p.id;
      all.push_back(std::move(r));
    }
  };
  replace(d.memberships, memberships);
  replace(d.levels, levels);
  return p.id;
}

Status deactivate_person(PeopleRows& d, int64_t id, const std::string& end_day) {
  auto it = std::find_if(d.people.begin(), d.people.end(),
                         [id](const PersonRow& p) { return p.id == id; });
  if (it == d.people.end()) return make_error("no person " + std::to_string(id));
  it->active = false;
  it->end_day = end_day;
  for (auto* periods : {&d.memberships, &d.levels})
    for (PeriodRow& r : *periods)
      if (r.person_id == id && r.to_day.empty()) r.to_day = end_day;
  return {};
}

Status upsert_team(PeopleRows& d, const TeamRow& t) {
  auto it = std::find_if(d.teams.begin(), d.teams.end(), [&t](const TeamRow& o) {
    return ascii_lower(o.name) == ascii_lower(t.name);
  });
  if (it == d.teams.end())
    d.teams.push_back(t);
  else
    *it = t;
  return {};
}

Result<PersonRow> read_person(const RowView& row) {
  PersonRow p;
  p.id = row.int64(0);
  p.display_name = std::string(row.text(1));
  p.email = std::string(row.text(2));
  p.role = std::string(row.text(3));
  p.start_day = std::string(row.text(4));
  p.end_day = std::string(row.text(5));
  p.active = row.int64(6) != 0;
  p.user_name = std::string(row.text(7));
  p.external_id = std::string(row.text(8));
  return p;
}

TeamRow read_team(const RowView& row) {
  TeamRow t;
  t.name = std::string(row.text(0));
  t.kind = parse_team_kind(row.text(1)).value_or(TeamKind::kTeam);
  t.parent = std::string(row.text(2));
  t.id = row.int64(3);
  t.external_id = std::string(row.text(4));
  t.retired = row.int64(5) != 0;
  return t;
}

PeriodRow read_period(const RowView& row) {
  return PeriodRow{row.int64(0), std::string(row.text(1)), std::string(row.text(2)),
                   std::string(row.text(3))};
}

std::shared_ptr<const report::PeopleTimeline> people_timeline(const PeopleRows& d) {
  auto t = std::make_shared<report::PeopleTimeline>();
  std::map<int64_t, uint32_t> person_of;
  for (const PersonRow& p : d.people) {
    const uint32_t i = t->add_person(p.email);
    person_of[p.id] = i;
    t->add_alias(p.email, i);
    for (const std::string& a : p.aliases)
      t->add_alias(a, i);
  }
  // Each node's nearest group and organisation above it (or itself).
  std::map<std::string, const TeamRow*> by_name;
  for (const TeamRow& n : d.teams)
    by_name[ascii_lower(n.name)] = &n;
  std::map<std::string, uint32_t> team_of;
  for (const TeamRow& n : d.teams) {
    report::PeopleTimeline::Team team{n.name, "", ""};
    std::set<std::string> seen;
    for (const TeamRow* up = &n; up && seen.insert(ascii_lower(up->name)).second;) {
      if (up->kind == TeamKind::kGroup && team.group.empty()) team.group = up->name;
      if (up->kind == TeamKind::kOrg && team.org.empty()) team.org = up->name;
      const auto next = by_name.find(ascii_lower(up->parent));
      up = up->parent.empty() || next == by_name.end() ? nullptr : next->second;
    }
    team_of[ascii_lower(n.name)] = t->add_team(std::move(team));
  }
  std::map<std::string, uint32_t> level_of;
  for (const std::string& l : d.level_order)
    level_of[l] = t->add_level(l);
  auto span = [](const PeriodRow& r, uint32_t value) {
    return report::PeopleTimeline::Span{day_or(r.from_day, INT64_MIN), day_or(r.to_day, INT64_MAX),
                                        value};
  };
  for (const PeriodRow& r : d.memberships) {
    const auto p = person_of.find(r.person_id);
    const auto team = team_of.find(ascii_lower(r.value));
    if (p != person_of.end() && team != team_of.end())
      t->add_membership(p->second, span(r, team->second));
  }
  for (const PeriodRow& r : d.levels) {
    const auto p = person_of.find(r.person_id);
    const auto level = level_of.find(r.value);
    if (p != person_of.end() && level != level_of.end())
      t->add_level_span(p->second, span(r, level->second));
  }
  return t;
}

}  // namespace codepulse::collector
