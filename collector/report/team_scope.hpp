// A node of the people directory as budgets and digests count it
// (docs/BUDGETS.md "Team budgets", docs/ALERTS.md "Weekly digest"): the node
// and every node below it, and the people in them on a day.
#pragma once

#include <set>
#include <string>

#include "collector/store/people_rows.hpp"

namespace codepulse::collector {

// The lower-cased names of `node` and of every node whose parents lead to
// it; empty when the directory has no node of that name (any case).
std::set<std::string> team_subtree(const PeopleRows& d, const std::string& node);

// The lower-cased primary emails and aliases of the people whose
// membership on `day` (YYYY-MM-DD, UTC) is in `subtree`.
std::set<std::string> team_authors_on(const PeopleRows& d, const std::set<std::string>& subtree,
                                      const std::string& day);

}  // namespace codepulse::collector
