#include "collector/ingest/jira_webhook.hpp"

#include <simdjson.h>

#include <algorithm>
#include <cmath>

#include "collector/ingest/webhook_json.hpp"
#include "common/ascii.hpp"

namespace codepulse::collector {
namespace {

constexpr size_t kMaxKeyLength = 64;
constexpr size_t kMaxNameLength = 200;

using webhook_json::text_of;

bool clean_name(std::string_view s) {
  return webhook_json::plain(s, kMaxNameLength);
}

}  // namespace

bool is_jira_key(std::string_view key) {
  if (key.empty() || key.size() > kMaxKeyLength) return false;
  const auto dash = key.rfind('-');
  if (dash == std::string_view::npos || dash == 0 || dash + 1 == key.size()) return false;
  if (key[0] < 'A' || key[0] > 'Z') return false;
  for (size_t i = 1; i < dash; ++i) {
    const char c = key[i];
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  if (key[dash + 1] == '0') return false;
  return std::all_of(key.begin() + static_cast<std::ptrdiff_t>(dash) + 1, key.end(),
                     [](char c) { return c >= '0' && c <= '9'; });
}

namespace {

// Jira's times: "2026-03-04T08:00:00.000+0000" (an offset without a colon).
Status jira_time(simdjson::dom::element fields, const char* key, bool required, int64_t& out) {
  std::string_view text = text_of(fields, key);
  const std::string what = std::string("issue.fields.") + key;
  if (text.empty()) return required ? make_error(what + ": required for an Incident") : Status();
  std::string t(text.substr(0, 64));
  if (t.size() > 5 && (t[t.size() - 5] == '+' || t[t.size() - 5] == '-') &&
      t.find(':', t.size() - 5) == std::string::npos)
    t.insert(t.size() - 2, ":");
  auto ms = webhook_json::parse_time(t);
  if (!ms) return make_error(what + " is not a time: '" + t + "'");
  out = *ms;
  return {};
}

constexpr size_t kMaxListItems = 200;

// fields.KEY: an array of plain names (labels), or of objects whose `name` is
// one (components); absent or null: none.
Status read_names(simdjson::dom::element fields, const char* key, bool objects,
                  std::vector<std::string>& out) {
  simdjson::dom::element list;
  if (fields[key].get(list) || list.is_null()) return {};
  const std::string what = std::string("issue.fields.") + key;
  simdjson::dom::array items;
  if (list.get_array().get(items)) return make_error(what + " is not an array");
  size_t i = 0;
  for (simdjson::dom::element item : items) {
    const std::string at = what + "[" + std::to_string(i++) + "]";
    if (i > kMaxListItems)
      return make_error(what + " has more than " + std::to_string(kMaxListItems) + " items");
    std::string_view name;
    if (objects) {
      if (!item.is_object()) return make_error(at + " is not an object");
      name = text_of(item, "name");
    } else if (item.get_string().get(name)) {
      return make_error(at + " is not a string");
    }
    if (name.empty() || !clean_name(name)) return make_error(at + " is not a plain name");
    if (std::find(out.begin(), out.end(), name) == out.end()) out.emplace_back(name);
  }
  return {};
}

// The story points at fields.FIELD: a number from 0 to 100,000, or absent or
// null (none); thousandths are kept.
Status read_points(simdjson::dom::element fields, std::string_view field, int64_t& milli) {
  milli = -1;
  if (field.empty()) return {};
  simdjson::dom::element v;
  if (fields[field].get(v) || v.is_null()) return {};
  double points = 0;
  if (v.get_double().get(points) || !std::isfinite(points) || points < 0 || points > 100'000)
    return make_error("issue.fields." + std::string(field) +
                      " (story points) is not a number from 0 to 100000");
  milli = std::llround(points * 1000);
  return {};
}

bool has_phrase(std::string_view phrase, std::string_view want, bool whole) {
  const std::string p = ascii_lower(phrase);
  return whole ? p == want : p.find(want) != std::string::npos;
}

// fields.issuelinks: the issues that caused this one and those it caused.
Status read_causes(simdjson::dom::element fields, TaskRecord& task) {
  simdjson::dom::element list;
  if (fields["issuelinks"].get(list) || list.is_null()) return {};
  simdjson::dom::array links;
  if (list.get_array().get(links)) return make_error("issue.fields.issuelinks is not an array");
  size_t i = 0;
  for (simdjson::dom::element link : links) {
    const std::string at = "issue.fields.issuelinks[" + std::to_string(i++) + "]";
    if (i > 4 * kMaxListItems) return make_error("issue.fields.issuelinks has too many links");
    simdjson::dom::element type, other;
    if (!link.is_object() || link["type"].get(type) || !type.is_object())
      return make_error(at + ".type is missing or not an object");
    const bool inward = !link["inwardIssue"].get(other) && other.is_object();
    if (!inward && (link["outwardIssue"].get(other) || !other.is_object()))
      return make_error(at + " has neither inwardIssue nor outwardIssue");
    const bool cause = inward ? has_phrase(text_of(type, "inward"), "caused by", false)
                              : has_phrase(text_of(type, "outward"), "causes", true);
    if (!cause) continue;
    const std::string_view key = text_of(other, "key");
    if (!is_jira_key(key))
      return make_error(at + (inward ? ".inwardIssue" : ".outwardIssue") +
                        ".key is missing or not a Jira key like PROJ-123");
    std::vector<std::string>& into = inward ? task.caused_by : task.causes;
    if (std::find(into.begin(), into.end(), key) == into.end()) into.emplace_back(key);
  }
  return {};
}

// What Jira says of the issue's class, times and causes (docs/DELIVERY.md).
Status read_class(simdjson::dom::element fields, std::string_view story_points_field,
                  TaskRecord& task) {
  if (auto s = read_names(fields, "labels", false, task.labels); !s) return s;
  if (auto s = read_names(fields, "components", true, task.components); !s) return s;
  simdjson::dom::element priority;
  if (!fields["priority"].get(priority) && priority.is_object()) {
    const std::string_view name = text_of(priority, "name");
    if (!clean_name(name)) return make_error("issue.fields.priority.name is not a plain name");
    task.priority = std::string(name);
  }
  if (auto s = read_points(fields, story_points_field, task.story_points_milli); !s) return s;
  if (auto s = jira_time(fields, "created", false, task.created_ms); !s) return s;
  if (auto s = jira_time(fields, "resolutiondate", false, task.resolved_ms); !s) return s;
  return read_causes(fields, task);
}

}  // namespace

Result<JiraEvent> parse_jira_webhook(std::string_view body, std::string_view epic_link_field,
                                     std::string_view story_points_field) {
  simdjson::dom::parser parser;
  auto parsed = webhook_json::parse_object(parser, body);
  if (!parsed) return parsed.error();
  const simdjson::dom::element doc = *parsed;
  JiraEvent out;
  std::string_view event;
  if (doc["webhookEvent"].get_string().get(event))
    return make_error("field 'webhookEvent' is missing or not a string");
  out.event = std::string(event.substr(0, kMaxNameLength));
  const bool deleted = event == "jira:issue_deleted";
  if (event != "jira:issue_created" && event != "jira:issue_updated" && !deleted) return out;
  int64_t timestamp = 0;
  if (doc["timestamp"].get_int64().get(timestamp) || timestamp <= 0)
    return make_error("field 'timestamp' (milliseconds) is missing or not a positive integer");
  simdjson::dom::element issue, fields;
  if (doc["issue"].get(issue) || !issue.is_object())
    return make_error("field 'issue' is missing or not an object");
  const std::string_view key = text_of(issue, "key");
  if (!is_jira_key(key)) return make_error("issue.key is missing or not a Jira key like PROJ-123");
  out.used = true;
  out.task.key = std::string(key);
  out.task.updated_ms = timestamp;
  if (issue["fields"].get(fields) || !fields.is_object()) {
    if (!deleted) return make_error("issue.fields is missing or not an object");
    out.task.deleted = true;
    return out;
  }
  simdjson::dom::element type;
  bool subtask = false, is_epic = false;
  if (!fields["issuetype"].get(type) && type.is_object()) {
    const std::string_view name = text_of(type, "name");
    if (!clean_name(name)) return make_error("issue.fields.issuetype.name is not a plain name");
    out.task.issue_type = std::string(name);
    if (type["subtask"].get_bool().get(subtask)) subtask = false;
    int64_t level = 0;
    is_epic = name == "Epic" || (!type["hierarchyLevel"].get_int64().get(level) && level == 1);
  }
  simdjson::dom::element status;
  if (!fields["status"].get(status) && status.is_object()) {
    const std::string_view name = text_of(status, "name");
    if (!clean_name(name)) return make_error("issue.fields.status.name is not a plain name");
    out.task.status = std::string(name);
  }
  if (deleted) {
    out.task.deleted = true;  // a deleted issue keeps no epic
    return out;
  }
  if (ascii_lower(out.task.issue_type) == "incident") {
    out.incident = true;
    out.incident_times.id = out.task.key;
    if (auto s = jira_time(fields, "created", true, out.incident_times.started_ms); !s)
      return s.error();
    if (auto s = jira_time(fields, "resolutiondate", false, out.incident_times.resolved_ms); !s)
      return s.error();
  }
  if (auto s = read_class(fields, story_points_field, out.task); !s) return s.error();
  simdjson::dom::element parent;
  std::string_view epic;
  if (is_epic) {
    epic = key;
  } else if (!subtask && !fields["parent"].get(parent) && parent.is_object()) {
    epic = text_of(parent, "key");
  } else if (!epic_link_field.empty()) {
    epic = text_of(fields, std::string(epic_link_field).c_str());
  }
  if (!epic.empty() && !is_jira_key(epic))
    return make_error("the epic of " + out.task.key + " is not a Jira key like PROJ-123");
  out.task.epic = std::string(epic);
  return out;
}

}  // namespace codepulse::collector
