// SCIM 2.0 provisioning (RFC 7643/7644, docs/SCIM.md) under /scim/v2: Users
// and Groups over the people directory, as Okta and Entra ID push them, and
// the discovery documents (ServiceProviderConfig, ResourceTypes, Schemas).
// Only a SCIM token (token create --role scim) is let in, compared in
// constant time with each one stored; it opens nothing else. Every request
// is all or nothing: one Store::edit_people transaction.
#pragma once

#include "collector/serve/route_io.hpp"
#include "collector/store/store.hpp"

namespace codepulse::collector {

struct ScimRoutes {
  Store& store;
  std::function<int64_t()> now_ms;
};

// Any method on /scim/v2/...: answers in application/scim+json, errors in
// SCIM's error form (urn:ietf:params:scim:api:messages:2.0:Error).
RouteReply scim_route(ScimRoutes& routes, const RouteRequest& request);

}  // namespace codepulse::collector
