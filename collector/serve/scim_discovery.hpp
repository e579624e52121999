// SCIM's discovery documents (RFC 7644 4): what this service provider
// supports, its resource types and the schemas of its resources.
#pragma once

#include "collector/serve/scim_value.hpp"

namespace codepulse::collector {

ScimValue scim_service_provider_config();
ScimValue scim_resource_types();
ScimValue scim_schemas();

}  // namespace codepulse::collector
