// The SQL of the people directory's tables (migrations 15 and 18 in
// sqlite_schema.hpp and pg_schema.hpp makes them), read and written alike by
// SQLite and PostgreSQL. Every change rewrites the whole directory in one
// transaction (Store::edit_people). Parameters are $1, $2, ...
#pragma once

namespace codepulse::collector::people_sql {

// Rows as read_person, read_team and read_period read them.
inline constexpr const char* kSelectPeople =
    "SELECT id, display_name, email, role, start_day, end_day, active, user_name, external_id"
    " FROM people ORDER BY id";
inline constexpr const char* kSelectAliases =
    "SELECT person_id, alias FROM people_aliases ORDER BY person_id, alias";
inline constexpr const char* kSelectTeams =
    "SELECT name, kind, parent, id, external_id, retired FROM people_teams ORDER BY name";
inline constexpr const char* kSelectMemberships =
    "SELECT person_id, team, from_day, to_day FROM people_memberships ORDER BY person_id, "
    "from_day";
inline constexpr const char* kSelectLevels =
    "SELECT person_id, level, from_day, to_day FROM people_levels ORDER BY person_id, from_day";
inline constexpr const char* kSelectLevelOrder =
    "SELECT position, name FROM people_level_order ORDER BY position";

// Every email of the person whose primary email or alias is $1 (lower-cased:
// directory_key): who a token's author also commits as (commit_trust.hpp).
// No row when the directory does not know $1.
inline constexpr const char* kSelectIdentities =
    "SELECT email FROM people WHERE id IN (SELECT id FROM people WHERE email = $1"
    " UNION SELECT person_id FROM people_aliases WHERE alias = $1)"
    " UNION SELECT alias FROM people_aliases WHERE person_id IN (SELECT id FROM people"
    " WHERE email = $1 UNION SELECT person_id FROM people_aliases WHERE alias = $1)";

// A node renamed (the same id, another name): the scopes of access and
// budgets that named it by its old name ($2) name it by the new one ($1).
// Scopes compare in any case, as the directory's names do (ASCII). SQLite
// numbers $-parameters in the order they first appear: $1 comes first.
inline constexpr const char* kRenameTokenScope =
    "UPDATE collector_tokens SET scope = $1 WHERE lower(scope) = lower($2)";
inline constexpr const char* kRenameSessionScope =
    "UPDATE sso_sessions SET scope = $1 WHERE lower(scope) = lower($2)";
inline constexpr const char* kRenameTeamBudgets =
    "UPDATE budgets SET value = $1 WHERE scope = 'team' AND lower(value) = lower($2)";

// Emptied in this order, filled in the reverse.
inline constexpr const char* kClear[] = {
    "DELETE FROM people_levels",  "DELETE FROM people_memberships",
    "DELETE FROM people_aliases", "DELETE FROM people",
    "DELETE FROM people_teams",   "DELETE FROM people_level_order"};

inline constexpr const char* kInsertPerson =
    "INSERT INTO people (id, display_name, email, role, start_day, end_day, active, user_name,"
    " external_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";
inline constexpr const char* kInsertAlias =
    "INSERT INTO people_aliases (alias, person_id) VALUES ($1, $2)";
inline constexpr const char* kInsertTeam =
    "INSERT INTO people_teams (name, kind, parent, id, external_id, retired)"
    " VALUES ($1, $2, $3, $4, $5, $6)";
inline constexpr const char* kInsertMembership =
    "INSERT INTO people_memberships (person_id, team, from_day, to_day) VALUES ($1, $2, $3, $4)";
inline constexpr const char* kInsertLevel =
    "INSERT INTO people_levels (person_id, level, from_day, to_day) VALUES ($1, $2, $3, $4)";
inline constexpr const char* kInsertLevelOrder =
    "INSERT INTO people_level_order (position, name) VALUES ($1, $2)";

}  // namespace codepulse::collector::people_sql
