// The people directory's CSV (docs/PEOPLE.md): one row per person and
// period, read into a whole directory. Every row is checked before anything
// is stored; an error names the file and line.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "collector/store/people_rows.hpp"
#include "common/result.hpp"

namespace codepulse::collector {

// The columns, in any order, named by the header; email is required.
inline constexpr const char* kPeopleCsvColumns[] = {"email", "name",   "aliases", "role",  "start",
                                                    "end",   "active", "team",    "group", "org",
                                                    "level", "from",   "to"};

// The directory the CSV `text` describes, with `level_order` as its level
// list (levels are not set by the file). Errors are "NAME:LINE: what is
// wrong"; a rule of the whole directory (check_people) is reported at the
// first line that breaks it.
Result<PeopleRows> read_people_csv(const std::string& name, std::string_view text,
                                   const std::vector<std::string>& level_order);

// One row of the people file, whatever its format (the YAML reader,
// people_yaml.hpp, makes them too): its line number and its cells by column
// (kPeopleCsvColumns; trimmed, "" when absent).
struct PeopleLine {
  size_t number = 0;
  std::map<std::string, std::string> cells;
  const std::string& operator[](const char* column) const;
};
// The directory `lines` describe, with the rules and errors of
// read_people_csv ("NAME:LINE: what is wrong").
Result<PeopleRows> read_people_lines(const std::string& name, const std::vector<PeopleLine>& lines,
                                     const std::vector<std::string>& level_order);

}  // namespace codepulse::collector
