// SCIM's errors, filters and PATCH operations (scim_protocol.hpp).
#include "collector/serve/scim_protocol.hpp"

#include <algorithm>

#include "common/ascii.hpp"

namespace codepulse::collector {
namespace {

ScimError bad(std::string type, std::string detail, int status = 400) {
  return ScimError{status, std::move(type), std::move(detail)};
}

// A parsed PATCH path: [schema:]attr[filter][.sub].
struct Path {
  std::string schema;  // an extension's URN, or ""
  std::string attr, sub;
  std::optional<ScimFilter> filter;
};

std::variant<Path, ScimError> parse_path(std::string_view text) {
  Path p;
  std::string_view rest = text;
  if (rest.size() > 4 && iequals(rest.substr(0, 4), "urn:")) {
    // The attribute follows the URN's last ':' (outside any filter).
    const size_t bracket = rest.find('[');
    const size_t colon = rest.substr(0, bracket).rfind(':');
    const std::string_view urn = rest.substr(0, colon);
    if (!iequals(urn, kScimUser) && !iequals(urn, kScimGroup)) p.schema = std::string(urn);
    rest = rest.substr(colon + 1);
  }
  const size_t open = rest.find('[');
  if (open != std::string_view::npos) {
    const size_t close = rest.find(']', open);
    if (close == std::string_view::npos)
      return bad("invalidPath", "path '" + std::string(text) + "': '[' without ']'");
    auto f = parse_scim_filter(rest.substr(open + 1, close - open - 1));
    if (auto* e = std::get_if<ScimError>(&f)) {
      e->scim_type = "invalidPath";
      e->detail = "path '" + std::string(text) + "': " + e->detail;
      return *e;
    }
    p.filter = std::get<ScimFilter>(f);
    p.attr = std::string(rest.substr(0, open));
    std::string_view after = rest.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != '.')
        return bad("invalidPath", "path '" + std::string(text) + "': expected '.' after ']'");
      p.sub = std::string(after.substr(1));
    }
  } else {
    const size_t dot = rest.find('.');
    p.attr = std::string(rest.substr(0, dot));
    if (dot != std::string_view::npos) p.sub = std::string(rest.substr(dot + 1));
  }
  if (p.attr.empty()) return bad("invalidPath", "path '" + std::string(text) + "' names nothing");
  return p;
}

bool matches(const ScimValue& item, const ScimFilter& f) {
  const ScimValue* v = item.find(f.attribute);
  if (!v) return false;
  if (v->kind == ScimValue::Kind::kString) return iequals(v->text, f.value);
  if (v->kind == ScimValue::Kind::kBool) return (v->boolean ? "true" : "false") == f.value;
  return false;
}

// The object the path's attribute lives in: the resource, or its extension.
ScimValue& container(ScimValue& resource, const Path& p) {
  if (p.schema.empty()) return resource;
  ScimValue* ext = resource.find(p.schema);
  if (!ext || !ext->is_object()) ext = &resource.set(p.schema, ScimValue::object());
  return *ext;
}

// Adds `value`'s items to array `to`, skipping ones whose "value" (or whole
// value) is there already.
void append_items(ScimValue& to, const ScimValue& value) {
  if (!to.is_array()) to = ScimValue::array();
  auto add = [&to](const ScimValue& item) {
    for (const ScimValue& have : to.items) {
      const ScimValue* a = have.find("value");
      const ScimValue* b = item.find("value");
      if ((a && b && scim_equal(*a, *b)) || scim_equal(have, item)) return;
    }
    to.items.push_back(item);
  };
  if (value.is_array())
    for (const ScimValue& item : value.items)
      add(item);
  else
    add(value);
}

std::optional<ScimError> apply_op(const std::string& op, const std::optional<Path>& path,
                                  const ScimValue* value, ScimValue& resource) {
  if (!path) {
    if (op == "remove") return bad("noTarget", "a remove operation needs a path");
    if (!value || !value->is_object())
      return bad("invalidValue", "an " + op + " operation without a path needs an object value");
    for (const auto& [key, v] : value->fields) {
      auto p = parse_path(key);
      if (auto* e = std::get_if<ScimError>(&p)) return *e;
      if (auto e = apply_op(op, std::get<Path>(p), &v, resource)) return e;
    }
    return std::nullopt;
  }
  if (op != "remove" && !value) return bad("invalidValue", "an " + op + " operation needs a value");
  ScimValue& in = container(resource, *path);
  if (path->filter) {
    ScimValue* list = in.find(path->attr);
    bool found = false;
    if (list && list->is_array()) {
      auto& items = list->items;
      for (auto it = items.begin(); it != items.end();) {
        if (!matches(*it, *path->filter)) {
          ++it;
          continue;
        }
        found = true;
        if (op == "remove") {
          if (path->sub.empty()) {
            it = items.erase(it);
            continue;
          }
          it->erase(path->sub);
        } else if (path->sub.empty()) {
          if (value->is_object())
            for (const auto& [k, v] : value->fields)
              it->set(k, v);
          else
            return bad("invalidValue", "path '" + path->attr + "[...]' needs an object value");
        } else {
          it->set(path->sub, *value);
        }
        ++it;
      }
    }
    if (!found && op != "remove") {
      // Entra adds a work email as emails[type eq "work"].value: make the item.
      ScimValue item = ScimValue::object();
      item.set(path->filter->attribute, ScimValue::string(path->filter->value));
      if (path->sub.empty() && value->is_object())
        for (const auto& [k, v] : value->fields)
          item.set(k, v);
      else if (!path->sub.empty())
        item.set(path->sub, *value);
      else
        return bad("invalidValue", "path '" + path->attr + "[...]' needs an object value");
      ScimValue& target = list && list->is_array() ? *list : in.set(path->attr, ScimValue::array());
      target.items.push_back(std::move(item));
    }
    return std::nullopt;
  }
  if (!path->sub.empty()) {
    ScimValue* parent = in.find(path->attr);
    if (!parent || !parent->is_object()) {
      if (op == "remove") return std::nullopt;
      parent = &in.set(path->attr, ScimValue::object());
    }
    if (op == "remove")
      parent->erase(path->sub);
    else
      parent->set(path->sub, *value);
    return std::nullopt;
  }
  ScimValue* now = in.find(path->attr);
  if (op == "remove") {
    if (now && now->is_array() && value) {
      // Entra removes members by listing them: [{"value": "id"}].
      const ScimValue& gone = *value;
      std::erase_if(now->items, [&gone](const ScimValue& item) {
        const ScimValue* id = item.find("value");
        for (const ScimValue& g : gone.is_array() ? gone.items : std::vector<ScimValue>{gone}) {
          const ScimValue* gid = g.find("value");
          if (id && gid && scim_equal(*id, *gid)) return true;
        }
        return false;
      });
    } else {
      in.erase(path->attr);
    }
    return std::nullopt;
  }
  if (op == "add" && ((now && now->is_array()) || value->is_array())) {
    if (!now) now = &in.set(path->attr, ScimValue::array());
    append_items(*now, *value);
    return std::nullopt;
  }
  if (op == "add" && now && now->is_object() && value->is_object()) {
    for (const auto& [k, v] : value->fields)
      now->set(k, v);
    return std::nullopt;
  }
  in.set(path->attr, *value);
  return std::nullopt;
}

}  // namespace

RouteReply scim_error_reply(const ScimError& e) {
  ScimValue body = ScimValue::object();
  ScimValue schemas = ScimValue::array();
  schemas.items.push_back(ScimValue::string(std::string(kScimError)));
  body.set("schemas", std::move(schemas));
  body.set("status", ScimValue::string(std::to_string(e.status)));
  if (!e.scim_type.empty()) body.set("scimType", ScimValue::string(e.scim_type));
  body.set("detail", ScimValue::string(e.detail));
  RouteReply r = scim_reply(e.status, body);
  if (e.status == 401) r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"scim\"");
  return r;
}

RouteReply scim_reply(int status, const ScimValue& body) {
  RouteReply r;
  r.http.status = status;
  JsonWriter w(r.http.body);
  write_scim_value(w, body);
  r.content_type = kScimContentType;
  return r;
}

std::variant<ScimFilter, ScimError> parse_scim_filter(std::string_view text) {
  const auto fail = [&text] {
    return bad("invalidFilter", "filter '" + std::string(text) +
                                    "': only ATTRIBUTE eq \"VALUE\" is supported (userName, "
                                    "externalId, displayName, id, emails.value)");
  };
  std::string_view s = trim(text);
  const size_t space = s.find(' ');
  if (space == std::string_view::npos) return fail();
  ScimFilter f{std::string(s.substr(0, space)), ""};
  s = trim(s.substr(space + 1));
  if (s.size() < 3 || !iequals(s.substr(0, 2), "eq") || s[2] != ' ') return fail();
  s = trim(s.substr(3));
  if (!s.empty() && s.front() == '"') {
    size_t i = 1;
    for (; i < s.size() && s[i] != '"'; ++i) {
      if (s[i] == '\\' && i + 1 < s.size()) ++i;
      f.value += s[i];
    }
    if (i != s.size() - 1) return fail();
  } else if (s == "true" || s == "false" ||
             (!s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
               return (c >= '0' && c <= '9') || c == '-' || c == '.';
             }))) {
    f.value = std::string(s);
  } else {
    return fail();
  }
  return f;
}

std::optional<ScimError> apply_scim_patch(const ScimValue& message, ScimValue& resource) {
  if (auto e = check_scim_schemas(message, kScimPatchOp, {kScimPatchOp})) return e;
  const ScimValue* ops = message.find("Operations");
  if (!ops || !ops->is_array() || ops->items.empty())
    return bad("invalidSyntax", "a PatchOp needs a non-empty 'Operations' array");
  for (size_t i = 0; i < ops->items.size(); ++i) {
    const ScimValue& o = ops->items[i];
    const std::string where = "Operations[" + std::to_string(i) + "]";
    const ScimValue* op = o.find("op");
    if (!o.is_object() || !op || !op->is_string())
      return bad("invalidSyntax", where + ": needs an 'op' (add, replace or remove)");
    const std::string name = ascii_lower(op->text);
    if (name != "add" && name != "replace" && name != "remove")
      return bad("invalidSyntax", where + ": unknown op '" + op->text + "'");
    std::optional<Path> path;
    if (const ScimValue* p = o.find("path"); p && p->is_string() && !p->text.empty()) {
      auto parsed = parse_path(p->text);
      if (auto* e = std::get_if<ScimError>(&parsed)) {
        e->detail = where + ": " + e->detail;
        return *e;
      }
      path = std::get<Path>(parsed);
    }
    if (auto e = apply_op(name, path, o.find("value"), resource)) {
      e->detail = where + ": " + e->detail;
      return e;
    }
  }
  return std::nullopt;
}

std::optional<ScimError> check_scim_schemas(const ScimValue& resource, std::string_view core,
                                            const std::vector<std::string_view>& known) {
  if (!resource.is_object()) return bad("invalidSyntax", "the body must be a JSON object");
  const ScimValue* schemas = resource.find("schemas");
  if (!schemas || !schemas->is_array())
    return bad("invalidValue", "'schemas' is required: an array holding " + std::string(core));
  bool has_core = false;
  for (const ScimValue& s : schemas->items) {
    if (!s.is_string()) return bad("invalidValue", "'schemas' must hold strings");
    if (std::none_of(known.begin(), known.end(),
                     [&s](std::string_view k) { return iequals(k, s.text); }))
      return bad("invalidValue", "unknown schema '" + s.text + "'");
    has_core = has_core || iequals(s.text, core);
  }
  if (!has_core) return bad("invalidValue", "'schemas' must hold " + std::string(core));
  return std::nullopt;
}

}  // namespace codepulse::collector
