// SCIM's User and Group resources (RFC 7643 4.1, 4.2) over the people
// directory (docs/SCIM.md): a person is a User (userName, the primary email
// as the work email, other emails and logins as aliases, title as role,
// active, and codepulse's level), a node of the hierarchy a Group (its
// displayName, members being the people in it today, codepulse's kind and
// parent). Reading a resource back changes a copy of the directory as of
// `today`: memberships and levels start today and end yesterday.
#pragma once

#include <optional>
#include <string>

#include "collector/serve/scim_protocol.hpp"
#include "collector/store/people_rows.hpp"

namespace codepulse::collector {

// The resource as GET shows it (with meta.location under /scim/v2).
ScimValue user_resource(const PeopleRows& d, const PersonRow& p, const std::string& today);
ScimValue group_resource(const PeopleRows& d, const TeamRow& t, const std::string& today,
                         bool with_members = true);

// Person `id` (0: a new one) becomes what `resource` says, in `d`. Returns
// the person's id, or the error (invalidValue for a missing userName or a
// bad field, uniqueness (409) for an email, alias or userName another person
// has).
std::variant<int64_t, ScimError> put_user(PeopleRows& d, int64_t id, const ScimValue& resource,
                                          const std::string& today);
// Node `id` (0: a new one) becomes what `resource` says, its members joining
// from today and the others leaving through yesterday. Returns its id.
std::variant<int64_t, ScimError> put_group(PeopleRows& d, int64_t id, const ScimValue& resource,
                                           const std::string& today);

const PersonRow* person_by_id(const PeopleRows& d, int64_t id);
const TeamRow* team_by_id(const PeopleRows& d, int64_t id);
// A SCIM id ("12") as a number; 0 when it is not one.
int64_t scim_id(std::string_view text);

}  // namespace codepulse::collector
