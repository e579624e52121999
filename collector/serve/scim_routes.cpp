// SCIM 2.0 provisioning over the people directory (scim_routes.hpp).
#include "collector/serve/scim_routes.hpp"

#include <openssl/crypto.h>

#include <algorithm>
#include <charconv>

#include "collector/serve/scim_discovery.hpp"
#include "collector/serve/scim_protocol.hpp"
#include "collector/serve/scim_resources.hpp"
#include "collector/store/people_moves.hpp"
#include "common/ascii.hpp"
#include "common/hashing.hpp"
#include "common/time.hpp"

namespace codepulse::collector {
namespace {

constexpr std::string_view kBase = "/scim/v2/";
constexpr int64_t kDayMs = 86'400'000;
constexpr int64_t kMaxCount = 1000;

using Change = std::function<std::optional<ScimError>(PeopleRows&)>;

ScimError not_found(const std::string& what) {
  return ScimError{404, "", what};
}

// The caller's SCIM token ("scim AUTHOR (token N)"), or the refusal.
std::variant<std::string, ScimError> scim_caller(Store& store, const RouteRequest& request) {
  const std::string_view auth = trim(request.header("Authorization"));
  if (auth.size() < 8 || !iequals(auth.substr(0, 7), "Bearer "))
    return ScimError{401, "", "missing 'Authorization: Bearer <SCIM token>' header"};
  const std::string hash = sha256_hex(trim(auth.substr(7)));
  auto tokens = store.scim_tokens();
  if (!tokens) return ScimError{503, "", "cannot check the token now: " + tokens.error().message};
  // Every stored hash is compared, in constant time, whichever matches.
  const TokenInfo* found = nullptr;
  for (const auto& [info, stored] : *tokens)
    if (stored.size() == hash.size() && CRYPTO_memcmp(stored.data(), hash.data(), hash.size()) == 0)
      found = &info;
  if (!found)
    return ScimError{401, "",
                     "unknown or revoked SCIM token (make one with 'codepulse-collector token "
                     "create --role scim')"};
  return "scim " + found->author + " (token " + std::to_string(found->id) + ")";
}

// Runs `change` in one edit_people transaction: all or nothing. A broken
// rule of the directory is invalidValue (uniqueness, 409, for an email or
// alias another person has).
std::optional<ScimError> commit(Store& store, const Change& change) {
  std::optional<ScimError> refused;
  auto s = store.edit_people([&](PeopleRows& d) -> Status {
    refused = change(d);
    if (refused) return make_error(refused->detail);
    PeopleRows checked = d;
    normalize_people(checked);
    if (auto ok = check_people(checked); !ok) {
      const bool taken = ok.error().message.find("is already") != std::string::npos;
      refused =
          ScimError{taken ? 409 : 400, taken ? "uniqueness" : "invalidValue", ok.error().message};
      return ok;
    }
    return {};
  });
  if (refused) return refused;
  if (!s) return ScimError{503, "", "the people directory was not stored: " + s.error().message};
  return std::nullopt;
}

std::variant<ScimValue, ScimError> body_of(const RouteRequest& request) {
  auto v = parse_scim_value(request.body);
  if (!v) return ScimError{400, "invalidSyntax", v.error().message};
  if (!v->is_object()) return ScimError{400, "invalidSyntax", "the body must be a JSON object"};
  return std::move(v).value();
}

// A resource's "id" in a body may only repeat the one of the URL.
std::optional<ScimError> same_id(const ScimValue& body, int64_t id) {
  const ScimValue* given = body.find("id");
  if (given && given->is_string() && scim_id(given->text) != id)
    return ScimError{400, "mutability",
                     "'id' is given by the server and cannot change (" + given->text + " is not " +
                         std::to_string(id) + ")"};
  return std::nullopt;
}

ScimValue number(int64_t n) {
  return ScimValue::number_of(static_cast<double>(n));
}

struct ListParams {
  std::optional<ScimFilter> filter;
  int64_t start = 1, count = 100;
  bool members = true;
};

std::variant<ListParams, ScimError> list_params(const RouteRequest& request) {
  auto params = query_params(request);
  if (!params) return ScimError{400, "invalidSyntax", params.error().message};
  ListParams out;
  for (const auto& [name, value] : *params) {
    if (iequals(name, "filter")) {
      auto f = parse_scim_filter(value);
      if (auto* e = std::get_if<ScimError>(&f)) return *e;
      out.filter = std::get<ScimFilter>(f);
    } else if (iequals(name, "startIndex") || iequals(name, "count")) {
      int64_t n = 0;
      const char* end = value.data() + value.size();
      if (value.empty() || std::from_chars(value.data(), end, n).ptr != end)
        return ScimError{400, "invalidValue", name + " must be a whole number"};
      if (iequals(name, "startIndex"))
        out.start = std::max<int64_t>(1, n);
      else
        out.count = std::clamp<int64_t>(n, 0, kMaxCount);
    } else if (iequals(name, "excludedAttributes") || iequals(name, "attributes")) {
      const bool mentions = ascii_lower(value).find("members") != std::string::npos;
      if (iequals(name, "excludedAttributes") && mentions) out.members = false;
      if (iequals(name, "attributes") && !mentions) out.members = false;
    }
  }
  return out;
}

ScimValue list_response(std::vector<ScimValue> all, const ListParams& p) {
  ScimValue r = ScimValue::object();
  ScimValue schemas = ScimValue::array();
  schemas.items.push_back(ScimValue::string(std::string(kScimListResponse)));
  r.set("schemas", std::move(schemas));
  r.set("totalResults", number(static_cast<int64_t>(all.size())));
  ScimValue page = ScimValue::array();
  for (int64_t i = p.start - 1;
       i < static_cast<int64_t>(all.size()) && static_cast<int64_t>(page.items.size()) < p.count;
       ++i)
    page.items.push_back(std::move(all[static_cast<size_t>(i)]));
  r.set("startIndex", number(p.start));
  r.set("itemsPerPage", number(static_cast<int64_t>(page.items.size())));
  r.set("Resources", std::move(page));
  return r;
}

bool user_matches(const PersonRow& p, const ScimFilter& f) {
  const std::string a = ascii_lower(f.attribute);
  if (a == "username") return iequals(scim_user_name(p), f.value);
  if (a == "externalid") return p.external_id == f.value;
  if (a == "id") return std::to_string(p.id) == f.value;
  if (a == "displayname") return iequals(p.display_name, f.value);
  if (a == "emails.value" || a == "emails")
    return iequals(p.email, f.value) ||
           std::find(p.aliases.begin(), p.aliases.end(), ascii_lower(f.value)) != p.aliases.end();
  return false;
}

bool group_matches(const TeamRow& t, const ScimFilter& f) {
  const std::string a = ascii_lower(f.attribute);
  if (a == "displayname") return iequals(t.name, f.value);
  if (a == "externalid") return t.external_id == f.value;
  if (a == "id") return std::to_string(t.id) == f.value;
  return false;
}

std::optional<ScimError> known_filter(const ListParams& p, bool users) {
  if (!p.filter) return std::nullopt;
  const std::string a = ascii_lower(p.filter->attribute);
  const bool ok = a == "externalid" || a == "id" || a == "displayname" ||
                  (users && (a == "username" || a == "emails.value" || a == "emails"));
  if (ok) return std::nullopt;
  return ScimError{400, "invalidFilter",
                   "cannot filter " + std::string(users ? "Users" : "Groups") + " by '" +
                       p.filter->attribute + "' (use " +
                       (users ? "userName, externalId, displayName, id or emails.value"
                              : "displayName, externalId or id") +
                       ")"};
}

// A short summary of a PatchOp for the audit log: "replace active, add members".
std::string patch_summary(const ScimValue& body) {
  std::string out;
  if (const ScimValue* ops = body.find("Operations"); ops && ops->is_array())
    for (const ScimValue& o : ops->items) {
      const ScimValue* op = o.find("op");
      const ScimValue* path = o.find("path");
      if (!out.empty()) out += ", ";
      out += op && op->is_string() ? ascii_lower(op->text) : "?";
      if (path && path->is_string()) {
        out += " " + path->text;
      } else if (const ScimValue* v = o.find("value"); v && v->is_object()) {
        for (const auto& [k, ignored] : v->fields)
          out += " " + k;
      }
    }
  return out;
}

class ScimHandler {
 public:
  ScimHandler(ScimRoutes& routes, const RouteRequest& request, std::string actor)
      : store_(routes.store),
        request_(request),
        actor_(std::move(actor)),
        now_ms_(routes.now_ms()),
        today_(format_date(civil_from_days(now_ms_ / kDayMs))) {}

  RouteReply users(std::string_view id_text) {
    const int64_t id = id_text.empty() ? 0 : scim_id(id_text);
    if (!id_text.empty() && id == 0)
      return error(not_found("no user with id '" + std::string(id_text) + "'"));
    const std::string_view m = request_.method;
    if (m == "GET" && id == 0) return list_users();
    if (m == "GET") return show_user(id, 200);
    if (m == "POST" && id == 0) return write_user(0, "create");
    if (m == "PUT" && id > 0) return write_user(id, "replace");
    if (m == "PATCH" && id > 0) return write_user(id, "patch");
    if (m == "DELETE" && id > 0) return delete_user(id);
    return error({405, "", "use GET or POST on /Users, GET, PUT, PATCH or DELETE on /Users/ID"});
  }

  RouteReply groups(std::string_view id_text) {
    const int64_t id = id_text.empty() ? 0 : scim_id(id_text);
    if (!id_text.empty() && id == 0)
      return error(not_found("no group with id '" + std::string(id_text) + "'"));
    const std::string_view m = request_.method;
    if (m == "GET" && id == 0) return list_groups();
    if (m == "GET") return show_group(id, 200, true);
    if (m == "POST" && id == 0) return write_group(0, "create");
    if (m == "PUT" && id > 0) return write_group(id, "replace");
    if (m == "PATCH" && id > 0) return write_group(id, "patch");
    if (m == "DELETE" && id > 0) return delete_group(id);
    return error({405, "", "use GET or POST on /Groups, GET, PUT, PATCH or DELETE on /Groups/ID"});
  }

 private:
  RouteReply error(const ScimError& e) { return scim_error_reply(e); }

  void audit(const std::string& action, const std::string& target, const std::string& detail) {
    AuditEvent e;
    e.at_ms = now_ms_;
    e.actor = actor_;
    e.action = action;
    e.target = target;
    e.detail = detail;
    (void)store_.append_audit(e);
  }

  RouteReply list_users() {
    auto p = list_params(request_);
    if (auto* e = std::get_if<ScimError>(&p)) return error(*e);
    const ListParams& params = std::get<ListParams>(p);
    if (auto e = known_filter(params, true)) return error(*e);
    auto d = store_.load_people();
    if (!d) return error({503, "", "cannot read the people directory: " + d.error().message});
    std::vector<ScimValue> all;
    for (const PersonRow& person : d->people)
      if (!params.filter || user_matches(person, *params.filter))
        all.push_back(user_resource(*d, person, today_));
    return scim_reply(200, list_response(std::move(all), params));
  }

  RouteReply list_groups() {
    auto p = list_params(request_);
    if (auto* e = std::get_if<ScimError>(&p)) return error(*e);
    const ListParams& params = std::get<ListParams>(p);
    if (auto e = known_filter(params, false)) return error(*e);
    auto d = store_.load_people();
    if (!d) return error({503, "", "cannot read the people directory: " + d.error().message});
    std::vector<ScimValue> all;
    for (const TeamRow& t : d->teams)
      if (!t.retired && (!params.filter || group_matches(t, *params.filter)))
        all.push_back(group_resource(*d, t, today_, params.members));
    return scim_reply(200, list_response(std::move(all), params));
  }

  RouteReply show_user(int64_t id, int status) {
    auto d = store_.load_people();
    if (!d) return error({503, "", "cannot read the people directory: " + d.error().message});
    const PersonRow* p = person_by_id(*d, id);
    if (!p) return error(not_found("no user with id " + std::to_string(id)));
    RouteReply r = scim_reply(status, user_resource(*d, *p, today_));
    if (status == 201) r.headers.emplace_back("Location", "/scim/v2/Users/" + std::to_string(id));
    return r;
  }

  RouteReply show_group(int64_t id, int status, bool members) {
    auto d = store_.load_people();
    if (!d) return error({503, "", "cannot read the people directory: " + d.error().message});
    const TeamRow* t = team_by_id(*d, id);
    if (!t || t->retired) return error(not_found("no group with id " + std::to_string(id)));
    RouteReply r = scim_reply(status, group_resource(*d, *t, today_, members));
    if (status == 201) r.headers.emplace_back("Location", "/scim/v2/Groups/" + std::to_string(id));
    return r;
  }

  RouteReply write_user(int64_t id, const std::string& how) {
    auto body = body_of(request_);
    if (auto* e = std::get_if<ScimError>(&body)) return error(*e);
    const ScimValue& b = std::get<ScimValue>(body);
    if (id > 0)
      if (auto e = same_id(b, id)) return error(*e);
    int64_t stored = id;
    std::string email;
    auto refused = commit(store_, [&](PeopleRows& d) -> std::optional<ScimError> {
      ScimValue resource = b;
      if (id > 0) {
        const PersonRow* p = person_by_id(d, id);
        if (!p) return not_found("no user with id " + std::to_string(id));
        if (how == "patch") {
          resource = user_resource(d, *p, today_);
          if (auto e = apply_scim_patch(b, resource)) return e;
          if (auto e = same_id(resource, id)) return e;
        }
      } else if (const ScimValue* u = b.find("userName"); u && u->is_string()) {
        for (const PersonRow& p : d.people)
          if (iequals(scim_user_name(p), u->text))
            return ScimError{
                409, "uniqueness",
                "a user with userName '" + u->text + "' exists (id " + std::to_string(p.id) + ")"};
      }
      auto put = put_user(d, id, resource, today_);
      if (auto* e = std::get_if<ScimError>(&put)) return *e;
      stored = std::get<int64_t>(put);
      email = person_by_id(d, stored)->email;
      return std::nullopt;
    });
    if (refused) return error(*refused);
    audit("scim.user." + how, "user " + std::to_string(stored) + " (" + email + ")",
          how == "patch"              ? patch_summary(b)
          : request_.method == "POST" ? "created"
                                      : "replaced");
    return show_user(stored, id == 0 ? 201 : 200);
  }

  RouteReply delete_user(int64_t id) {
    std::string email;
    auto refused = commit(store_, [&](PeopleRows& d) -> std::optional<ScimError> {
      const PersonRow* p = person_by_id(d, id);
      if (!p) return not_found("no user with id " + std::to_string(id));
      email = p->email;
      if (!p->active) return std::nullopt;
      if (auto s = deactivate_person(d, id, today_); !s)
        return ScimError{400, "invalidValue", s.error().message};
      return std::nullopt;
    });
    if (refused) return error(*refused);
    audit("scim.user.delete", "user " + std::to_string(id) + " (" + email + ")",
          "deactivated from " + today_ + " (history kept)");
    RouteReply r;
    r.http.status = 204;
    r.content_type = kScimContentType;
    return r;
  }

  RouteReply write_group(int64_t id, const std::string& how) {
    auto body = body_of(request_);
    if (auto* e = std::get_if<ScimError>(&body)) return error(*e);
    const ScimValue& b = std::get<ScimValue>(body);
    if (id > 0)
      if (auto e = same_id(b, id)) return error(*e);
    int64_t stored = id;
    std::string name;
    auto refused = commit(store_, [&](PeopleRows& d) -> std::optional<ScimError> {
      ScimValue resource = b;
      if (id > 0) {
        const TeamRow* t = team_by_id(d, id);
        if (!t || t->retired) return not_found("no group with id " + std::to_string(id));
        if (how == "patch") {
          resource = group_resource(d, *t, today_);
          if (auto e = apply_scim_patch(b, resource)) return e;
          if (auto e = same_id(resource, id)) return e;
        }
      }
      auto put = put_group(d, id, resource, today_);
      if (auto* e = std::get_if<ScimError>(&put)) return *e;
      stored = std::get<int64_t>(put);
      name = team_by_id(d, stored)->name;
      return std::nullopt;
    });
    if (refused) return error(*refused);
    audit("scim.group." + how, "group " + std::to_string(stored) + " (" + name + ")",
          how == "patch"              ? patch_summary(b)
          : request_.method == "POST" ? "created"
                                      : "replaced");
    return show_group(stored, id == 0 ? 201 : 200, true);
  }

  RouteReply delete_group(int64_t id) {
    std::string name;
    auto refused = commit(store_, [&](PeopleRows& d) -> std::optional<ScimError> {
      const TeamRow* t = team_by_id(d, id);
      if (!t || t->retired) return not_found("no group with id " + std::to_string(id));
      name = t->name;
      for (const PersonRow& p : d.people)
        end_period(d.memberships, p.id, name, today_);
      for (TeamRow& node : d.teams)
        if (node.id == id) node.retired = true;
      return std::nullopt;
    });
    if (refused) return error(*refused);
    audit("scim.group.delete", "group " + std::to_string(id) + " (" + name + ")",
          "members leave through " + day_before(today_) + "; the node stays for history");
    RouteReply r;
    r.http.status = 204;
    r.content_type = kScimContentType;
    return r;
  }

  Store& store_;
  const RouteRequest& request_;
  std::string actor_;
  int64_t now_ms_;
  std::string today_;
};

}  // namespace

RouteReply scim_route(ScimRoutes& routes, const RouteRequest& request) {
  auto caller = scim_caller(routes.store, request);
  if (auto* e = std::get_if<ScimError>(&caller)) return scim_error_reply(*e);
  std::string_view path = request.target.substr(0, request.target.find('?'));
  path.remove_prefix(std::min(path.size(), kBase.size()));
  while (!path.empty() && path.back() == '/')
    path.remove_suffix(1);
  const size_t slash = path.find('/');
  const std::string_view kind = path.substr(0, slash);
  const std::string_view id = slash == std::string_view::npos ? "" : path.substr(slash + 1);
  ScimHandler h(routes, request, std::get<std::string>(caller));
  if (kind == "Users") return h.users(id);
  if (kind == "Groups") return h.groups(id);
  if (request.method != "GET")
    return scim_error_reply({405, "", "the discovery documents are read with GET"});
  if (kind == "ServiceProviderConfig" && id.empty())
    return scim_reply(200, scim_service_provider_config());
  if (kind == "ResourceTypes" || kind == "Schemas") {
    ScimValue all = kind == "Schemas" ? scim_schemas() : scim_resource_types();
    if (id.empty()) return scim_reply(200, all);
    for (const ScimValue& item : all.find("Resources")->items)
      if (const ScimValue* name = item.find("id"); name && iequals(name->text, id))
        return scim_reply(200, item);
    return scim_error_reply(not_found("no " + std::string(kind) + " '" + std::string(id) + "'"));
  }
  return scim_error_reply(
      not_found("no such SCIM endpoint; use /scim/v2/Users, /Groups, /ServiceProviderConfig, "
                "/ResourceTypes or /Schemas"));
}

}  // namespace codepulse::collector
