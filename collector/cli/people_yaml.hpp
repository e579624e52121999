// The people directory as YAML (docs/PEOPLE.md, "Importing YAML"): the
// CSV's columns as keys, a person once with their periods under them. Only
// the documented subset of YAML is read: block mappings and sequences,
// flow sequences and mappings on one line ([a, b], {team: api, from: ...}),
// plain, 'single' and "double" quoted scalars, comments. Anchors, aliases,
// tags, multi-line and block scalars are refused naming the line.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "collector/cli/people_csv.hpp"

namespace codepulse::collector {

// The directory the YAML `text` describes (the CSV's rules, read_people_lines),
// with `level_order` as its level list. Errors are "NAME:LINE: what is wrong".
Result<PeopleRows> read_people_yaml(const std::string& name, std::string_view text,
                                    const std::vector<std::string>& level_order);

}  // namespace codepulse::collector
