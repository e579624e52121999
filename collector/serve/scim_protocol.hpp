// SCIM 2.0's protocol pieces (RFC 7644) the endpoints share: its schema
// URNs, its error replies (3.12), filters of the form `ATTR eq VALUE`
// (3.4.2.2) and PATCH operations (3.5.2) applied to a resource.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "collector/serve/route_io.hpp"
#include "collector/serve/scim_value.hpp"

namespace codepulse::collector {

inline constexpr std::string_view kScimUser = "urn:ietf:params:scim:schemas:core:2.0:User";
inline constexpr std::string_view kScimGroup = "urn:ietf:params:scim:schemas:core:2.0:Group";
inline constexpr std::string_view kScimEnterpriseUser =
    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
// codepulse's own attributes: a user's level and logins, a group's kind and parent.
inline constexpr std::string_view kScimCodepulseUser = "urn:codepulse:scim:schemas:2.0:User";
inline constexpr std::string_view kScimCodepulseGroup = "urn:codepulse:scim:schemas:2.0:Group";
inline constexpr std::string_view kScimError = "urn:ietf:params:scim:api:messages:2.0:Error";
inline constexpr std::string_view kScimListResponse =
    "urn:ietf:params:scim:api:messages:2.0:ListResponse";
inline constexpr std::string_view kScimPatchOp = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
inline constexpr const char* kScimContentType = "application/scim+json";

// A refusal in SCIM's form: HTTP status, scimType ("" for none) and detail.
struct ScimError {
  int status = 400;
  std::string scim_type;
  std::string detail;
};

RouteReply scim_error_reply(const ScimError& e);
// A resource or message with status `status` as application/scim+json.
RouteReply scim_reply(int status, const ScimValue& body);

// `ATTR eq VALUE`: the attribute (as written) and the value (a string, or
// the text of true/false/a number).
struct ScimFilter {
  std::string attribute;
  std::string value;
};
// Parses a filter of one comparison with `eq`; anything else is an
// invalidFilter error naming what is supported.
std::variant<ScimFilter, ScimError> parse_scim_filter(std::string_view text);

// Applies a PatchOp message's operations to `resource` in order (add,
// replace, remove, in any case, with or without a path; paths
// `attr`, `attr.sub`, `attr[filter]`, `attr[filter].sub` and schema-prefixed
// ones). The caller reads the resource back as a whole.
std::optional<ScimError> apply_scim_patch(const ScimValue& message, ScimValue& resource);

// The request's `schemas` checked: an array of known URNs (`known`) that
// holds `core`. Unknown or missing ones are invalidValue errors.
std::optional<ScimError> check_scim_schemas(const ScimValue& resource, std::string_view core,
                                            const std::vector<std::string_view>& known);

}  // namespace codepulse::collector
