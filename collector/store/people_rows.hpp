// The people directory as the store keeps it (docs/PEOPLE.md): people with
// their aliases, the team hierarchy (organisation -> group -> team),
// effective-dated team memberships and seniority levels, and the
// organisation's ordered level list; the checks the whole directory passes
// before any change is stored, and the edits SCIM, the admin API and the
// CSV import make of it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "collector/store/row_view.hpp"
#include "common/report/people_timeline.hpp"
#include "common/result.hpp"

namespace codepulse::collector {

struct PersonRow {
  int64_t id = 0;                    // stable: kept across edits (a SCIM user's id)
  std::string display_name;          // "Ada Lovelace"
  std::string email;                 // the primary email, lower-cased; the person dimension's key
  std::string role;                  // free text: "engineer", "manager", ...
  std::string start_day;             // "YYYY-MM-DD" (UTC) or ""
  std::string end_day;               // the last day, or ""
  bool active = true;                // false: deactivated (kept for history)
  std::vector<std::string> aliases;  // other emails and logins, lower-cased (not the primary)
  std::string user_name;             // SCIM's userName ("" = the primary email), unique (any case)
  std::string external_id;           // SCIM's externalId (the identity provider's), or ""
  bool operator==(const PersonRow&) const = default;
};

enum class TeamKind { kOrg, kGroup, kTeam };
const char* team_kind_name(TeamKind k);  // "org", "group", "team"
std::optional<TeamKind> parse_team_kind(std::string_view name);

// A node of the hierarchy; its name is unique among all nodes (any case).
struct TeamRow {
  std::string name;
  TeamKind kind = TeamKind::kTeam;
  std::string parent;  // "" for a root; an org's parent is "", a group's an org or group,
                       // a team's a group, org or team
  int64_t id = 0;      // stable (a SCIM group's id); 0 = the store gives the next (assign_team_ids)
  std::string external_id{};  // SCIM's externalId, or ""
  bool retired = false;     // deleted by SCIM: kept for its members' history, listed no more
  bool operator==(const TeamRow&) const = default;
};

// An effective-dated fact of a person: in team `value` (a membership), or at
// level `value`, from `from_day` through `to_day` ("" = still), UTC days.
struct PeriodRow {
  int64_t person_id = 0;
  std::string value;
  std::string from_day, to_day;
  bool operator==(const PeriodRow&) const = default;
};

struct PeopleRows {
  std::vector<PersonRow> people;               // by id
  std::vector<TeamRow> teams;                  // by name
  std::vector<PeriodRow> memberships, levels;  // by person, then from_day
  std::vector<std::string> level_order;        // lowest first: "L1", "L2", ...
  bool operator==(const PeopleRows&) const = default;
};

// Bounds the directory is checked against.
inline constexpr size_t kMaxPeopleName = 200;
inline constexpr size_t kMaxPeopleLevels = 64;

// Puts the directory in the stored form: emails, aliases and names of teams
// compared lower-cased, aliases sorted, every list sorted as PeopleRows says.
void normalize_people(PeopleRows& d);
// Every rule (docs/PEOPLE.md): names plain and short; real days, each end on
// or after its start; unique person ids and primary emails; an alias (or a
// primary email) belongs to one person only; team names unique, a known
// kind, a known parent of an allowed kind and no cycle; memberships name a
// known person and team, levels a person and a level of level_order; a
// person's memberships (and levels) never overlap. The error says which
// person, team or period and what is wrong.
Status check_people(const PeopleRows& d);

// The edits a store applies (Store::edit_people runs them in its
// transaction, then normalize_people and check_people).
// Replaces person `p` (found by id, else by primary email; p.id 0 = a new
// person, given the next id) with its aliases, and, when given, its
// memberships and levels (their person_id is set). Returns the person's id.
Result<int64_t> upsert_person(
    PeopleRows& d, PersonRow p,
    const std::optional<std::vector<PeriodRow>>& memberships = std::nullopt,
    const std::optional<std::vector<PeriodRow>>& levels = std::nullopt);
// Marks a person inactive with `end_day` as their last day (their open
// membership and level end then too). An unknown id is an error.
Status deactivate_person(PeopleRows& d, int64_t id, const std::string& end_day);
// Adds or replaces a node of the hierarchy (by name, any case).
Status upsert_team(PeopleRows& d, const TeamRow& t);
// The person whose primary email or alias is `email_or_alias` (any case).
const PersonRow* find_person(const PeopleRows& d, std::string_view email_or_alias);
// A person's SCIM userName: user_name, or the primary email when it is "".
const std::string& scim_user_name(const PersonRow& p);
// Carries ids of `before` into `after` where `after` has none: a node of the
// same name keeps its id and externalId, a person of the same primary email
// their userName and externalId (a whole-directory replacement keeps SCIM's
// references).
void keep_scim_ids(const PeopleRows& before, PeopleRows& after);
// Gives each node without an id (0) the next free one (Store::edit_people,
// after keep_scim_ids).
void assign_team_ids(PeopleRows& d);

// The store's rows, as read_* read them (people_sql.hpp's column orders).
Result<PersonRow> read_person(const RowView& row);  // without aliases
TeamRow read_team(const RowView& row);
PeriodRow read_period(const RowView& row);

// The directory as reports use it (report::PeopleTimeline): every person,
// active or not (their history stays), keyed by primary email.
std::shared_ptr<const report::PeopleTimeline> people_timeline(const PeopleRows& d);

}  // namespace codepulse::collector
