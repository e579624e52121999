// SCIM's User and Group resources over the people directory
// (scim_resources.hpp).
#include "collector/serve/scim_resources.hpp"

#include <algorithm>
#include <charconv>
#include <set>

#include "collector/store/people_moves.hpp"
#include "common/ascii.hpp"

namespace codepulse::collector {
namespace {

ScimError invalid(std::string detail) {
  return ScimError{400, "invalidValue", std::move(detail)};
}

ScimValue str(const std::string& s) {
  return ScimValue::string(s);
}

ScimValue schemas_of(std::string_view core, std::string_view extension) {
  ScimValue a = ScimValue::array();
  a.items.push_back(ScimValue::string(std::string(core)));
  a.items.push_back(ScimValue::string(std::string(extension)));
  return a;
}

ScimValue meta(const char* type, const std::string& path) {
  ScimValue m = ScimValue::object();
  m.set("resourceType", ScimValue::string(type));
  m.set("location", ScimValue::string(path));
  return m;
}

// The string at `key` (nullopt when absent or null); an error when it is
// something else.
std::variant<std::optional<std::string>, ScimError> text_at(const ScimValue& o,
                                                            std::string_view key) {
  const ScimValue* v = o.find(key);
  if (!v || v->kind == ScimValue::Kind::kNull) return std::optional<std::string>{};
  if (!v->is_string()) return invalid("'" + std::string(key) + "' must be a string");
  return std::optional<std::string>{v->text};
}

// active: true/false, or Entra's "True"/"False".
std::variant<bool, ScimError> active_of(const ScimValue& r) {
  const ScimValue* v = r.find("active");
  if (!v || v->kind == ScimValue::Kind::kNull) return true;
  if (v->kind == ScimValue::Kind::kBool) return v->boolean;
  if (v->is_string() && iequals(v->text, "true")) return true;
  if (v->is_string() && iequals(v->text, "false")) return false;
  return invalid("'active' must be true or false");
}

bool is_email(const std::string& s) {
  return s.find('@') != std::string::npos;
}

// Another person than `self` who has `name` as email, alias or userName.
const PersonRow* holder(const PeopleRows& d, int64_t self, const std::string& name) {
  const std::string low = ascii_lower(name);
  for (const PersonRow& q : d.people) {
    if (q.id == self) continue;
    if (q.email == low || ascii_lower(scim_user_name(q)) == low ||
        std::find(q.aliases.begin(), q.aliases.end(), low) != q.aliases.end())
      return &q;
  }
  return nullptr;
}

}  // namespace

int64_t scim_id(std::string_view text) {
  int64_t id = 0;
  const char* end = text.data() + text.size();
  if (text.empty() || std::from_chars(text.data(), end, id).ptr != end || id < 1) return 0;
  return id;
}

const PersonRow* person_by_id(const PeopleRows& d, int64_t id) {
  for (const PersonRow& p : d.people)
    if (p.id == id) return &p;
  return nullptr;
}

const TeamRow* team_by_id(const PeopleRows& d, int64_t id) {
  for (const TeamRow& t : d.teams)
    if (t.id == id) return &t;
  return nullptr;
}

ScimValue user_resource(const PeopleRows& d, const PersonRow& p, const std::string& today) {
  ScimValue r = ScimValue::object();
  r.set("schemas", schemas_of(kScimUser, kScimCodepulseUser));
  r.set("id", str(std::to_string(p.id)));
  if (!p.external_id.empty()) r.set("externalId", str(p.external_id));
  r.set("userName", str(scim_user_name(p)));
  if (!p.display_name.empty()) {
    r.set("displayName", str(p.display_name));
    ScimValue name = ScimValue::object();
    name.set("formatted", str(p.display_name));
    r.set("name", std::move(name));
  }
  if (!p.role.empty()) r.set("title", str(p.role));
  r.set("active", ScimValue::boolean_of(p.active));
  ScimValue emails = ScimValue::array();
  ScimValue work = ScimValue::object();
  work.set("value", str(p.email));
  work.set("type", str("work"));
  work.set("primary", ScimValue::boolean_of(true));
  emails.items.push_back(std::move(work));
  ScimValue logins = ScimValue::array();
  for (const std::string& a : p.aliases) {
    if (iequals(a, p.user_name)) continue;
    if (!is_email(a)) {
      logins.items.push_back(str(a));
      continue;
    }
    ScimValue other = ScimValue::object();
    other.set("value", str(a));
    other.set("type", str("other"));
    emails.items.push_back(std::move(other));
  }
  r.set("emails", std::move(emails));
  ScimValue groups = ScimValue::array();
  const std::string team = value_on(d.memberships, p.id, today);
  for (const TeamRow& t : d.teams)
    if (!team.empty() && iequals(t.name, team)) {
      ScimValue g = ScimValue::object();
      g.set("value", str(std::to_string(t.id)));
      g.set("display", str(t.name));
      g.set("$ref", str("/scim/v2/Groups/" + std::to_string(t.id)));
      groups.items.push_back(std::move(g));
    }
  r.set("groups", std::move(groups));
  ScimValue ext = ScimValue::object();
  const std::string level = value_on(d.levels, p.id, today);
  if (!level.empty()) ext.set("level", str(level));
  ext.set("aliases", std::move(logins));
  r.set(kScimCodepulseUser, std::move(ext));
  r.set("meta", meta("User", "/scim/v2/Users/" + std::to_string(p.id)));
  return r;
}

ScimValue group_resource(const PeopleRows& d, const TeamRow& t, const std::string& today,
                         bool with_members) {
  ScimValue r = ScimValue::object();
  r.set("schemas", schemas_of(kScimGroup, kScimCodepulseGroup));
  r.set("id", str(std::to_string(t.id)));
  if (!t.external_id.empty()) r.set("externalId", str(t.external_id));
  r.set("displayName", str(t.name));
  if (with_members) {
    ScimValue members = ScimValue::array();
    for (const PersonRow& p : d.people)
      if (iequals(value_on(d.memberships, p.id, today), t.name)) {
        ScimValue m = ScimValue::object();
        m.set("value", str(std::to_string(p.id)));
        m.set("display", str(p.email));
        m.set("$ref", str("/scim/v2/Users/" + std::to_string(p.id)));
        members.items.push_back(std::move(m));
      }
    r.set("members", std::move(members));
  }
  ScimValue ext = ScimValue::object();
  ext.set("kind", str(team_kind_name(t.kind)));
  std::string parent_id;
  for (const TeamRow& up : d.teams)
    if (!t.parent.empty() && iequals(up.name, t.parent)) parent_id = std::to_string(up.id);
  ext.set("parent", str(parent_id));
  r.set(kScimCodepulseGroup, std::move(ext));
  r.set("meta", meta("Group", "/scim/v2/Groups/" + std::to_string(t.id)));
  return r;
}

std::variant<int64_t, ScimError> put_user(PeopleRows& d, int64_t id, const ScimValue& resource,
                                          const std::string& today) {
  if (auto e = check_scim_schemas(resource, kScimUser,
                                  {kScimUser, kScimEnterpriseUser, kScimCodepulseUser}))
    return *e;
  std::optional<std::string> user_name, display, formatted, given, family, title, external;
  for (auto [key, out] : {std::pair{"userName", &user_name}, std::pair{"displayName", &display},
                          std::pair{"title", &title}, std::pair{"externalId", &external}}) {
    auto v = text_at(resource, key);
    if (auto* e = std::get_if<ScimError>(&v)) return *e;
    *out = std::get<std::optional<std::string>>(v);
  }
  if (!user_name || trim(*user_name).empty())
    return invalid("'userName' is required (the person's sign-in name, usually their email)");
  if (const ScimValue* name = resource.find("name"); name && name->is_object())
    for (auto [key, out] : {std::pair{"formatted", &formatted}, std::pair{"givenName", &given},
                            std::pair{"familyName", &family}}) {
      auto v = text_at(*name, key);
      if (auto* e = std::get_if<ScimError>(&v)) return *e;
      *out = std::get<std::optional<std::string>>(v);
    }
  auto active = active_of(resource);
  if (auto* e = std::get_if<ScimError>(&active)) return *e;

  // The emails: the primary one (or the work one, or the first) is the
  // person's email; the others are aliases.
  std::vector<std::pair<std::string, int>> emails;  // value, rank (lower first)
  if (const ScimValue* list = resource.find("emails");
      list && list->kind != ScimValue::Kind::kNull) {
    if (!list->is_array()) return invalid("'emails' must be an array");
    for (size_t i = 0; i < list->items.size(); ++i) {
      const ScimValue& e = list->items[i];
      const ScimValue* value = e.find("value");
      if (!e.is_object() || !value || !value->is_string() || value->text.empty())
        return invalid("emails[" + std::to_string(i) + "]: needs a 'value' string");
      const ScimValue* primary = e.find("primary");
      const ScimValue* type = e.find("type");
      const bool is_primary =
          primary && ((primary->kind == ScimValue::Kind::kBool && primary->boolean) ||
                      (primary->is_string() && iequals(primary->text, "true")));
      const bool is_work = type && type->is_string() && iequals(type->text, "work");
      emails.emplace_back(ascii_lower(value->text), is_primary ? 0 : is_work ? 1 : 2);
    }
  }
  std::stable_sort(emails.begin(), emails.end(),
                   [](const auto& a, const auto& b) { return a.second < b.second; });

  const PersonRow* base = id > 0 ? person_by_id(d, id) : nullptr;
  PersonRow p = base ? *base : PersonRow{};
  p.id = id;
  p.email = emails.empty() ? ascii_lower(*user_name) : emails.front().first;
  p.user_name = iequals(*user_name, p.email) ? "" : *user_name;
  p.external_id = external.value_or("");
  p.role = title.value_or("");
  p.display_name = display     ? *display
                   : formatted ? *formatted
                               : std::string(trim(given.value_or("") + " " + family.value_or("")));

  // Aliases: codepulse's logins (or the stored ones when not given), the
  // other emails, the userName, and a previous primary email (history).
  std::set<std::string> aliases;
  const ScimValue* ext = resource.find(kScimCodepulseUser);
  const ScimValue* logins = ext && ext->is_object() ? ext->find("aliases") : nullptr;
  if (logins && logins->kind != ScimValue::Kind::kNull) {
    if (!logins->is_array())
      return invalid("'" + std::string(kScimCodepulseUser) + ":aliases' must be an array");
    for (const ScimValue& l : logins->items) {
      if (!l.is_string() || l.text.empty())
        return invalid("'" + std::string(kScimCodepulseUser) + ":aliases' must hold strings");
      aliases.insert(ascii_lower(l.text));
    }
  } else if (base) {
    for (const std::string& a : base->aliases)
      if (!is_email(a)) aliases.insert(a);
  }
  for (size_t i = 1; i < emails.size(); ++i)
    aliases.insert(emails[i].first);
  if (!p.user_name.empty()) aliases.insert(ascii_lower(p.user_name));
  if (base && base->email != p.email) aliases.insert(base->email);
  aliases.erase(p.email);
  p.aliases.assign(aliases.begin(), aliases.end());

  std::vector<std::string> names = p.aliases;
  names.push_back(p.email);
  names.push_back(*user_name);
  for (const std::string& n : names)
    if (const PersonRow* other = holder(d, id, n))
      return ScimError{409, "uniqueness",
                       "'" + n + "' is already the email, alias or userName of user " +
                           std::to_string(other->id) + " (" + other->email + ")"};

  const bool was_active = base ? base->active : true;
  p.active = was_active;
  auto stored = upsert_person(d, p);
  if (!stored) return invalid(stored.error().message);
  const int64_t pid = *stored;
  const bool want_active = std::get<bool>(active);
  if (was_active && !want_active) {
    if (auto s = deactivate_person(d, pid, today); !s) return invalid(s.error().message);
  } else if (!was_active && want_active) {
    for (PersonRow& q : d.people)
      if (q.id == pid) {
        q.active = true;
        q.end_day.clear();
      }
  }
  if (const ScimValue* level = ext && ext->is_object() ? ext->find("level") : nullptr) {
    if (level->is_string() && !level->text.empty())
      start_period(d.levels, pid, level->text, today);
    else if (level->kind == ScimValue::Kind::kNull || level->is_string())
      end_period(d.levels, pid, value_on(d.levels, pid, today), today);
    else
      return invalid("'" + std::string(kScimCodepulseUser) + ":level' must be a string");
  }
  return pid;
}

std::variant<int64_t, ScimError> put_group(PeopleRows& d, int64_t id, const ScimValue& resource,
                                           const std::string& today) {
  if (auto e = check_scim_schemas(resource, kScimGroup, {kScimGroup, kScimCodepulseGroup}))
    return *e;
  std::optional<std::string> name, external;
  for (auto [key, out] : {std::pair{"displayName", &name}, std::pair{"externalId", &external}}) {
    auto v = text_at(resource, key);
    if (auto* e = std::get_if<ScimError>(&v)) return *e;
    *out = std::get<std::optional<std::string>>(v);
  }
  if (!name || trim(*name).empty()) return invalid("'displayName' is required (the team's name)");
  const TeamRow* base = id > 0 ? team_by_id(d, id) : nullptr;
  TeamRow t = base ? *base : TeamRow{};
  for (const TeamRow& o : d.teams)
    if (o.id != id && iequals(o.name, *name)) {
      if (!o.retired || base)
        return ScimError{409, "uniqueness",
                         "a group named '" + o.name + "' exists (id " + std::to_string(o.id) +
                             "); a name is one node's of the hierarchy"};
      t = o;  // a group deleted before comes back, with its history
    }
  const ScimValue* ext = resource.find(kScimCodepulseGroup);
  if (ext && ext->is_object()) {
    auto kind = text_at(*ext, "kind");
    if (auto* e = std::get_if<ScimError>(&kind)) return *e;
    if (const auto& k = std::get<std::optional<std::string>>(kind)) {
      const auto parsed = parse_team_kind(*k);
      if (!parsed) return invalid("'kind' must be org, group or team, not '" + *k + "'");
      t.kind = *parsed;
    }
    auto parent = text_at(*ext, "parent");
    if (auto* e = std::get_if<ScimError>(&parent)) return *e;
    if (const auto& up = std::get<std::optional<std::string>>(parent)) {
      t.parent.clear();
      if (!up->empty()) {
        const TeamRow* node = team_by_id(d, scim_id(*up));
        if (!node) return invalid("'parent' names no group (id '" + *up + "')");
        t.parent = node->name;
      }
    }
  }
  if (base && base->name != *name) {
    const std::string old_name = base->name;  // rename_team changes base->name
    rename_team(d, old_name, *name);
  }
  t.name = *name;
  t.external_id = external.value_or("");
  t.retired = false;
  if (t.id <= 0) {
    int64_t next = 1;
    for (const TeamRow& o : d.teams)
      next = std::max(next, o.id + 1);
    t.id = next;
  }
  if (auto s = upsert_team(d, t); !s) return invalid(s.error().message);

  std::set<int64_t> wanted;
  if (const ScimValue* members = resource.find("members");
      members && members->kind != ScimValue::Kind::kNull) {
    if (!members->is_array()) return invalid("'members' must be an array");
    for (size_t i = 0; i < members->items.size(); ++i) {
      const ScimValue* v = members->items[i].find("value");
      const int64_t pid = v && v->is_string() ? scim_id(v->text) : 0;
      if (!person_by_id(d, pid))
        return invalid("members[" + std::to_string(i) + "]: no user with id '" +
                       (v && v->is_string() ? v->text : std::string("?")) + "'");
      wanted.insert(pid);
    }
  }
  for (const PersonRow& p : d.people) {
    const bool in = iequals(value_on(d.memberships, p.id, today), t.name);
    if (wanted.count(p.id) && !in) start_period(d.memberships, p.id, t.name, today);
    if (!wanted.count(p.id) && in) end_period(d.memberships, p.id, t.name, today);
  }
  return t.id;
}

}  // namespace codepulse::collector
