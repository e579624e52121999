// Reading a Codex rollout line's fields (codex_line_fields.hpp). Prompt and
// answer text, reasoning, instructions and tool outputs sit in keys never
// named here: simdjson skips them unread.
#include "tracker/parse/codex_line_fields.hpp"

#include <algorithm>
#include <iterator>

#include "tracker/parse/codex_usage.hpp"
#include "tracker/parse/json_values_internal.hpp"

namespace codepulse::tracker {

using namespace parse_internal;

namespace {

constexpr const char* kBroken = "broken payload object";

void read_view(od::value v, std::string_view& out) {
  std::string_view s;
  if (!v.get_string().get(s)) out = s;
}

// A usage object: into `out` (and `has`), or marks the line's usage broken.
void read_usage(od::value v, CodexUsage& out, bool& has, CodexLineFields& f) {
  od::object o;
  if (v.get_object().get(o)) return;  // null or absent
  if (read_codex_usage(o, out)) {
    has = true;
  } else {
    f.usage_broken = true;
  }
}

// Calls fn(key, value) for each field of `v`, when it is an object; false
// when a field is broken (the rest is not read).
template <class Fn>
bool each_field(od::value v, Fn&& fn) {
  od::object o;
  if (v.get_object().get(o)) return true;  // null or not an object: nothing to read
  for (auto field : o) {
    od::raw_json_string key;
    od::value value;
    if (!read_field(field, key, value)) return false;
    fn(key, value);
  }
  return true;
}

// session_meta.source: "exec", "cli", ... or {"subagent": {"thread_spawn":
// {"parent_thread_id": ...}}} for a thread another one spawned.
void read_source(od::value v, CodexLineFields& f) {
  each_field(v, [&f](od::raw_json_string key, od::value subagent) {
    if (key != "subagent") return;
    f.subagent_source = true;
    each_field(subagent, [&f](od::raw_json_string, od::value spawn) {
      each_field(spawn, [&f](od::raw_json_string k, od::value id) {
        if (k == "parent_thread_id") read_view(id, f.parent_thread);
      });
    });
  });
}

void read_object_field(od::value v, std::string_view name, std::string_view& out) {
  each_field(v, [&](od::raw_json_string key, od::value value) {
    if (key == name) read_view(value, out);
  });
}

// token_count's info (null on a rate-limit-only row): the running and the
// last response's usage.
void read_info(od::value v, CodexLineFields& f) {
  const bool read = each_field(v, [&f](od::raw_json_string key, od::value value) {
    if (key == "total_token_usage") read_usage(value, f.total, f.has_total, f);
    if (key == "last_token_usage") read_usage(value, f.last, f.has_last, f);
  });
  if (!read) f.usage_broken = true;
}

// local_shell_call's action: {"type":"exec","command":[...]}.
void read_action(od::value v, CodexLineFields& f) {
  each_field(v, [&f](od::raw_json_string key, od::value value) {
    od::array words;
    if (key != "command" || value.get_array().get(words)) return;
    for (auto w : words) {
      std::string_view s;
      if (!w.get_string().get(s)) f.call.command.push_back(s);
    }
  });
}

// The payload keys whose string values are kept as they are, and where.
struct TextKey {
  std::string_view key;
  std::string_view* (*slot)(CodexLineFields&);
};
constexpr TextKey kTextKeys[] = {
    {"type", [](CodexLineFields& f) { return &f.payload_type; }},
    {"id", [](CodexLineFields& f) { return &f.id; }},
    {"timestamp", [](CodexLineFields& f) { return &f.meta_timestamp; }},
    {"cwd", [](CodexLineFields& f) { return &f.cwd; }},
    {"cli_version", [](CodexLineFields& f) { return &f.cli_version; }},
    {"thread_source", [](CodexLineFields& f) { return &f.thread_source; }},
    {"parent_thread_id", [](CodexLineFields& f) { return &f.parent_thread; }},
    {"turn_id", [](CodexLineFields& f) { return &f.turn_id; }},
    {"model", [](CodexLineFields& f) { return &f.model; }},
    {"thread_id", [](CodexLineFields& f) { return &f.thread_id; }},
    {"response_id", [](CodexLineFields& f) { return &f.response_id; }},
    {"name", [](CodexLineFields& f) { return &f.call.name; }},
    {"call_id", [](CodexLineFields& f) { return &f.call.call_id; }},
    {"arguments", [](CodexLineFields& f) { return &f.call.text; }},  // function_call
    {"input", [](CodexLineFields& f) { return &f.call.text; }},      // custom_tool_call
};

const char* read_payload(od::object payload, CodexLineFields& f) {
  for (auto field : payload) {
    od::raw_json_string key;
    od::value v;
    if (!read_field(field, key, v)) return kBroken;
    const auto text = std::find_if(std::begin(kTextKeys), std::end(kTextKeys),
                                   [&key](const TextKey& t) { return key == t.key; });
    if (text != std::end(kTextKeys)) {
      read_view(v, *text->slot(f));
    } else if (key == "git") {
      read_object_field(v, "branch", f.branch);
    } else if (key == "source") {
      read_source(v, f);
    } else if (key == "thread_settings") {
      read_object_field(v, "model", f.settings_model);
    } else if (key == "info") {
      read_info(v, f);
    } else if (key == "usage") {
      read_usage(v, f.usage, f.has_usage, f);
    } else if (key == "action") {
      read_action(v, f);
    }
  }
  return nullptr;
}

}  // namespace

const char* read_codex_line(od::object top, CodexLineFields& f) {
  for (auto field : top) {
    od::raw_json_string key;
    od::value v;
    od::object payload;
    if (!read_field(field, key, v)) return "broken line object";
    if (key == "type" || key == "timestamp") {
      read_view(v, key == "type" ? f.type : f.timestamp);
    } else if (key == "payload" && !v.get_object().get(payload)) {
      f.has_payload = true;
      if (const char* broken = read_payload(payload, f)) return broken;
    }
  }
  f.call.type = f.payload_type;
  return nullptr;
}

}  // namespace codepulse::tracker
