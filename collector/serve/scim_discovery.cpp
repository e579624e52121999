// SCIM's discovery documents (scim_discovery.hpp).
#include "collector/serve/scim_discovery.hpp"

#include "collector/serve/scim_protocol.hpp"

namespace codepulse::collector {
namespace {

ScimValue s(std::string_view v) {
  return ScimValue::string(std::string(v));
}

ScimValue supported(bool yes) {
  ScimValue o = ScimValue::object();
  o.set("supported", ScimValue::boolean_of(yes));
  return o;
}

ScimValue one_schema(std::string_view urn) {
  ScimValue a = ScimValue::array();
  a.items.push_back(s(urn));
  return a;
}

ScimValue list(std::vector<ScimValue> items) {
  ScimValue r = ScimValue::object();
  r.set("schemas", one_schema(kScimListResponse));
  r.set("totalResults", ScimValue::number_of(static_cast<double>(items.size())));
  ScimValue resources = ScimValue::array();
  resources.items = std::move(items);
  r.set("Resources", std::move(resources));
  return r;
}

ScimValue attribute(std::string_view name, std::string_view type, bool multi, bool required,
                    std::string_view mutability, std::string_view uniqueness,
                    std::string_view description) {
  ScimValue a = ScimValue::object();
  a.set("name", s(name));
  a.set("type", s(type));
  a.set("multiValued", ScimValue::boolean_of(multi));
  a.set("description", s(description));
  a.set("required", ScimValue::boolean_of(required));
  a.set("caseExact", ScimValue::boolean_of(false));
  a.set("mutability", s(mutability));
  a.set("returned", s("default"));
  a.set("uniqueness", s(uniqueness));
  return a;
}

ScimValue schema(std::string_view id, std::string_view name, std::string_view description,
                 std::vector<ScimValue> attributes) {
  ScimValue r = ScimValue::object();
  r.set("schemas", one_schema("urn:ietf:params:scim:schemas:core:2.0:Schema"));
  r.set("id", s(id));
  r.set("name", s(name));
  r.set("description", s(description));
  ScimValue attrs = ScimValue::array();
  attrs.items = std::move(attributes);
  r.set("attributes", std::move(attrs));
  return r;
}

ScimValue resource_type(std::string_view name, std::string_view endpoint, std::string_view core,
                        std::string_view extension) {
  ScimValue r = ScimValue::object();
  r.set("schemas", one_schema("urn:ietf:params:scim:schemas:core:2.0:ResourceType"));
  r.set("id", s(name));
  r.set("name", s(name));
  r.set("endpoint", s(endpoint));
  r.set("schema", s(core));
  ScimValue ext = ScimValue::object();
  ext.set("schema", s(extension));
  ext.set("required", ScimValue::boolean_of(false));
  ScimValue exts = ScimValue::array();
  exts.items.push_back(std::move(ext));
  r.set("schemaExtensions", std::move(exts));
  return r;
}

}  // namespace

ScimValue scim_service_provider_config() {
  ScimValue r = ScimValue::object();
  r.set("schemas", one_schema("urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"));
  r.set("documentationUri", s("https://github.com/codepulse/codepulse/blob/main/docs/SCIM.md"));
  r.set("patch", supported(true));
  ScimValue bulk = supported(false);
  bulk.set("maxOperations", ScimValue::number_of(0));
  bulk.set("maxPayloadSize", ScimValue::number_of(0));
  r.set("bulk", std::move(bulk));
  ScimValue filter = supported(true);
  filter.set("maxResults", ScimValue::number_of(1000));
  r.set("filter", std::move(filter));
  r.set("changePassword", supported(false));
  r.set("sort", supported(false));
  r.set("etag", supported(false));
  ScimValue scheme = ScimValue::object();
  scheme.set("type", s("oauthbearertoken"));
  scheme.set("name", s("Bearer token"));
  scheme.set("description",
             s("A SCIM token made with 'codepulse-collector token create --role scim'"));
  scheme.set("primary", ScimValue::boolean_of(true));
  ScimValue schemes = ScimValue::array();
  schemes.items.push_back(std::move(scheme));
  r.set("authenticationSchemes", std::move(schemes));
  return r;
}

ScimValue scim_resource_types() {
  return list({resource_type("User", "/Users", kScimUser, kScimCodepulseUser),
               resource_type("Group", "/Groups", kScimGroup, kScimCodepulseGroup)});
}

ScimValue scim_schemas() {
  return list({
      schema(kScimUser, "User", "A person of the people directory",
             {attribute("userName", "string", false, true, "readWrite", "server",
                        "sign-in name; the person's email when no work email is given"),
              attribute("displayName", "string", false, false, "readWrite", "none",
                        "the name reports show"),
              attribute("externalId", "string", false, false, "readWrite", "none",
                        "the identity provider's id"),
              attribute("title", "string", false, false, "readWrite", "none", "the role"),
              attribute("active", "boolean", false, false, "readWrite", "none",
                        "false: deactivated from today, history kept"),
              attribute("emails", "complex", true, false, "readWrite", "server",
                        "the primary (or work) email is the person's; others are aliases"),
              attribute("groups", "complex", true, false, "readOnly", "none",
                        "the team the person is in today")}),
      schema(kScimGroup, "Group", "A node of the team hierarchy",
             {attribute("displayName", "string", false, true, "readWrite", "server",
                        "the team's name, unique in the hierarchy"),
              attribute("externalId", "string", false, false, "readWrite", "none",
                        "the identity provider's id"),
              attribute("members", "complex", true, false, "readWrite", "none",
                        "the people in the team today; added from today, removed through "
                        "yesterday")}),
      schema(kScimCodepulseUser, "CodepulseUser", "codepulse's attributes of a person",
             {attribute("level", "string", false, false, "readWrite", "none",
                        "the seniority level from today (one of the level list)"),
              attribute("aliases", "string", true, false, "readWrite", "server",
                        "logins the person commits or tracks with")}),
      schema(kScimCodepulseGroup, "CodepulseGroup", "codepulse's attributes of a node",
             {attribute("kind", "string", false, false, "readWrite", "none",
                        "org, group or team (default)"),
              attribute("parent", "string", false, false, "readWrite", "none",
                        "the id of the group above; no cycles")}),
  });
}

}  // namespace codepulse::collector
