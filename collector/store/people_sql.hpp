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
