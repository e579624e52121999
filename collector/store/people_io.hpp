// Reading and writing the whole people directory through either store's
// connection (sqlite_people.cpp, pg_people.cpp), with people_sql.hpp's SQL:
// the stores give a way to run a query row by row and a statement with
// parameters; the rest is shared.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <variant>
#include <vector>

#include "collector/store/people_rows.hpp"
#include "collector/store/row_view.hpp"
#include "common/result.hpp"

namespace codepulse::collector {

using PeopleValue = std::variant<int64_t, std::string>;
// Runs a query, each row to `row`.
using PeopleQuery =
    std::function<Status(const char* sql, const std::function<void(const RowView&)>& row)>;
// Runs a statement with parameters $1, $2, ...
using PeopleExec = std::function<Status(const char* sql, const std::vector<PeopleValue>& params)>;

// The directory, normalized.
Result<PeopleRows> read_people_with(const PeopleQuery& query);
// Empties the people tables and writes `d` (normalized and checked before).
Status write_people_with(const PeopleRows& d, const PeopleExec& exec);
// What names a node of the hierarchy outside the directory follows its
// renames from `before` to `after` (a node keeping its id under another
// name, as SCIM renames a group): tokens' and single sign-on sessions'
// scopes ("team:OLD" becomes "team:NEW", any case; also group: and org:)
// and team budgets. Run in the transaction that writes `after`.
Status follow_team_renames_with(const PeopleRows& before, const PeopleRows& after,
                                const PeopleExec& exec);

}  // namespace codepulse::collector
