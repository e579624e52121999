// The codepulse hook in a Claude Code settings document: added for
// SessionStart and UserPromptSubmit, or removed, every other key kept in
// its order. Boost.JSON (header-only, compiled in boost_json.cpp) edits it.
#include "tracker/hook/claude_settings.hpp"

#include <boost/json.hpp>

namespace codepulse::tracker {
namespace {

namespace json = boost::json;

// Two-space indentation as Claude Code writes its settings.
void pretty(const json::value& v, std::string& out, int depth) {
  const std::string pad(static_cast<size_t>(depth + 1) * 2, ' ');
  const std::string end_pad(static_cast<size_t>(depth) * 2, ' ');
  if (const json::object* o = v.if_object()) {
    if (o->empty()) {
      out += "{}";
      return;
    }
    out += "{\n";
    bool first = true;
    for (const auto& kv : *o) {
      if (!first) out += ",\n";
      first = false;
      out += pad + json::serialize(json::string(kv.key())) + ": ";
      pretty(kv.value(), out, depth + 1);
    }
    out += "\n" + end_pad + "}";
  } else if (const json::array* a = v.if_array()) {
    if (a->empty()) {
      out += "[]";
      return;
    }
    out += "[\n";
    for (size_t i = 0; i < a->size(); ++i) {
      out += (i ? ",\n" : "") + pad;
      pretty((*a)[i], out, depth + 1);
    }
    out += "\n" + end_pad + "]";
  } else {
    out += json::serialize(v);
  }
}

Result<json::object> parse_settings(std::string_view text) {
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) return json::object();
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec) return make_error("not valid JSON (" + ec.message() + ")");
  if (!v.is_object()) return make_error("not a JSON object");
  return std::move(v.as_object());
}

std::string printed(const json::object& o) {
  std::string out;
  pretty(o, out, 0);
  return out + "\n";
}

// The command of a hook entry, "" for anything else.
std::string_view command_of(const json::value& hook) {
  const json::object* h = hook.if_object();
  if (!h) return {};
  const json::value* c = h->if_contains("command");
  if (!c || !c->is_string()) return {};
  return c->get_string();
}

// settings["hooks"][event] as Claude Code reads it: an array of groups, each
// with a "hooks" array. Checked before anything is changed.
Status check_shape(const json::object& settings) {
  const json::value* hooks = settings.if_contains("hooks");
  if (!hooks) return {};
  if (!hooks->is_object()) return make_error("\"hooks\" is not an object");
  for (const auto& kv : hooks->get_object()) {
    if (!kv.value().is_array())
      return make_error("\"hooks\"." + std::string(kv.key()) + " is not an array");
    for (const json::value& group : kv.value().get_array()) {
      const json::object* g = group.if_object();
      const json::value* list = g ? g->if_contains("hooks") : nullptr;
      if (list && !list->is_array())
        return make_error("a group of \"hooks\"." + std::string(kv.key()) +
                          " has \"hooks\" that are not an array");
    }
  }
  return {};
}

// Removes codepulse hooks from one event's groups; `keep_first` leaves the
// first one found (returned) in place. Groups emptied by the removal go.
json::value* remove_ours(json::array& groups, bool keep_first, bool& changed) {
  json::value* kept = nullptr;
  for (size_t gi = 0; gi < groups.size();) {
    json::object* g = groups[gi].if_object();
    json::value* list = g ? g->if_contains("hooks") : nullptr;
    if (!list) {
      ++gi;
      continue;
    }
    json::array& hooks = list->as_array();
    bool removed = false;
    for (size_t hi = 0; hi < hooks.size();) {
      if (!is_codepulse_hook_command(command_of(hooks[hi])) || (keep_first && !kept)) {
        if (!kept && is_codepulse_hook_command(command_of(hooks[hi]))) kept = &hooks[hi];
        ++hi;
        continue;
      }
      hooks.erase(hooks.begin() + static_cast<std::ptrdiff_t>(hi));
      removed = changed = true;
    }
    if (removed && hooks.empty()) {
      groups.erase(groups.begin() + static_cast<std::ptrdiff_t>(gi));
      continue;
    }
    ++gi;
  }
  return kept;
}

}  // namespace

bool is_codepulse_hook_command(std::string_view command) {
  constexpr std::string_view kName = "codepulse-tracker";
  for (size_t pos = command.find(kName); pos != std::string_view::npos;
       pos = command.find(kName, pos + 1)) {
    const bool starts_word =
        pos == 0 || command[pos - 1] == '/' || command[pos - 1] == '\'' || command[pos - 1] == '"';
    std::string_view rest = command.substr(pos + kName.size());
    if (!rest.empty() && (rest[0] == '\'' || rest[0] == '"')) rest.remove_prefix(1);
    if (starts_word && rest.starts_with(" hook") && (rest.size() == 5 || rest[5] == ' '))
      return true;
  }
  return false;
}

Result<std::string> settings_with_hook(std::string_view text, const std::string& command,
                                       bool& changed) {
  changed = false;
  auto settings = parse_settings(text);
  if (!settings) return settings.error();
  if (auto s = check_shape(*settings); !s) return s.error();
  json::value& hooks_value = (*settings)["hooks"];
  if (hooks_value.is_null()) {
    hooks_value = json::object();
    changed = true;
  }
  json::object& hooks = hooks_value.as_object();
  for (std::string_view event : kHookEvents) {
    json::value& groups = hooks[event];
    if (groups.is_null()) groups = json::array();
    json::value* kept = remove_ours(groups.as_array(), /*keep_first=*/true, changed);
    if (kept) {
      json::object& hook = kept->as_object();
      if (hook["command"] != json::value(command)) {
        hook["command"] = command;
        changed = true;
      }
      continue;
    }
    json::object hook{{"type", "command"}, {"command", command}, {"timeout", kHookTimeoutS}};
    groups.as_array().push_back(json::object{{"hooks", json::array{std::move(hook)}}});
    changed = true;
  }
  return printed(*settings);
}

Result<std::string> settings_without_hook(std::string_view text, bool& changed) {
  changed = false;
  auto settings = parse_settings(text);
  if (!settings) return settings.error();
  if (auto s = check_shape(*settings); !s) return s.error();
  json::value* hooks_value = settings->if_contains("hooks");
  if (!hooks_value) return std::string(text);
  json::object& hooks = hooks_value->as_object();
  for (auto it = hooks.begin(); it != hooks.end();) {
    bool removed = false;
    remove_ours(it->value().as_array(), /*keep_first=*/false, removed);
    changed = changed || removed;
    if (removed && it->value().as_array().empty()) {
      it = hooks.stable_erase(it);
      continue;
    }
    ++it;
  }
  if (changed && hooks.empty()) settings->stable_erase("hooks");
  return changed ? printed(*settings) : std::string(text);
}

}  // namespace codepulse::tracker
