// The people directory shown to people: the JSON the CLI and the admin API
// answer with (GET /v1/admin/people, the shape PUT takes back), table rows,
// and the authors no person claims (`people unmapped`).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "collector/store/people_rows.hpp"
#include "collector/store/store.hpp"

namespace codepulse::collector {

// {"levels": [...], "teams": [{"name", "kind", "parent"}],
//  "people": [{"id", "name", "email", "role", "start", "end", "active",
//              "aliases": [...], "teams": [{"team", "from", "to"}],
//              "levels": [{"level", "from", "to"}]}]}; an open day is null.
std::string people_json(const PeopleRows& d);
// One person of `d`, as in people_json.
std::string person_json(const PeopleRows& d, const PersonRow& p);
// A header row, then one row per person (cli_table.hpp renders them): the
// team and level each holds on `day` ("YYYY-MM-DD").
std::vector<std::vector<std::string>> people_table(const PeopleRows& d, const std::string& day);

// An author of stored records or commits that is no person's email or alias.
struct UnmappedAuthor {
  std::string author;
  int64_t records = 0, commits = 0;
  int64_t cost_nanos = 0;  // at the organisation's rates, every record of the author
};
// Every unmapped author, the most spend first (then by name).
Result<std::vector<UnmappedAuthor>> unmapped_authors(Store& store);
// {"unmapped": [{"author", "records", "commits", "cost_usd"}]}
std::string unmapped_json(const std::vector<UnmappedAuthor>& authors);
std::vector<std::vector<std::string>> unmapped_table(const std::vector<UnmappedAuthor>& authors);

}  // namespace codepulse::collector
