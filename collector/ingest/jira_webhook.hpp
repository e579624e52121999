// Jira Cloud issue webhooks (POST /v1/webhooks/jira): which epic a task
// belongs to, and its type and status, for reports by epic. Only
// jira:issue_created, jira:issue_updated and jira:issue_deleted are used;
// other events are acknowledged and ignored.
//
// A task's epic: its `fields.parent` when the issue is not a sub-task (in
// team-managed projects and Jira's current hierarchy the parent of a
// standard issue is its epic), else the old Epic Link custom field (named by
// the collector's jira_epic_link_field, "customfield_10014" by default). An
// epic's own epic is itself, so work filed under the epic key stays with it.
// A deleted issue keeps no epic.
//
// Besides, for bugs and task classes (docs/DELIVERY.md): its labels,
// components (names), priority (name), story points (the number in the
// collector's jira_story_points_field, "customfield_10016" by default),
// created and resolution times, and its issue links of the "is caused by"
// kind: an entry with an inwardIssue whose link type's inward phrase says
// "caused by" (Jira's Problem/Incident type: "is caused by") names an issue
// that caused this one; one with an outwardIssue whose outward phrase is
// "causes" names an issue this one caused.
#pragma once

#include <string>
#include <string_view>

#include "collector/store/store.hpp"
#include "common/result.hpp"

namespace codepulse::collector {

struct JiraEvent {
  std::string event;  // the webhookEvent as sent
  bool used = false;  // false: an event codepulse does not need (ignored)
  TaskRecord task;    // when used
  // An issue of type Incident (docs/DELIVERY.md): its id is the key, its
  // start fields.created, its resolution fields.resolutiondate (0 while open).
  bool incident = false;
  IncidentUpdate incident_times;
};

inline constexpr const char* kDefaultStoryPointsField = "customfield_10016";

// Parses a webhook body; errors say what is wrong with it (for a 400).
Result<JiraEvent> parse_jira_webhook(
    std::string_view body, std::string_view epic_link_field,
    std::string_view story_points_field = kDefaultStoryPointsField);

// True for an issue key as Jira makes them: PROJECT-123.
bool is_jira_key(std::string_view key);

}  // namespace codepulse::collector
