// The people directory's admin API (docs/PEOPLE.md): the whole directory
// read and replaced as JSON, and the authors no person claims. Reports group
// by the directory from their next answer on.
#pragma once

#include "collector/serve/route_io.hpp"
#include "collector/serve/viewer_access.hpp"
#include "collector/store/store.hpp"

namespace codepulse::collector {

struct PeopleRoutes {
  ViewerAccess& viewers;
  Store& store;
};

// The admin routes (routes.hpp: Handler::kAdmin*People*): an admin token or
// an admin's session (whose changes need its CSRF header); others get 403.
//   GET /v1/admin/people           the directory (people_views.hpp, people_json)
//   PUT /v1/admin/people           the same shape: replaces the whole
//                                  directory at once, or changes nothing
//   GET /v1/admin/people/unmapped  {"unmapped": [{"author", "records", "commits", "cost_usd"}]}
// Bad input is 400 naming the field or the broken rule, the store 503.
RouteReply admin_people(int handler, PeopleRoutes& routes, const RouteRequest& request);

// The directory a PUT body describes (people_json's shape); person ids
// absent or 0 are given the next free ids. An error names the field.
Result<PeopleRows> parse_people_json(std::string_view body);

}  // namespace codepulse::collector
