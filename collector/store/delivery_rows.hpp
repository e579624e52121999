// What the store holds for the delivery metrics (docs/DELIVERY.md), the same
// for both stores: deployments and incidents as their events merged them,
// every pushed commit with what its push said of it, and every task as Jira
// last described it (for bugs and task classes). Both stores read
// the rows of delivery_sql.hpp's selects with the readers below; `Row` has
// text(column) and int64(column).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace codepulse::collector {

// A task (a Jira issue) as the last event about it described it.
struct TaskRecord {
  std::string key;
  std::string epic;  // "" = no epic (also once the issue is deleted)
  std::string issue_type, status;
  int64_t updated_ms = 0;  // the event's time
  bool deleted = false;
  // Its class (docs/DELIVERY.md, "Task classes"): as Jira lists them.
  // (Initialized here so that older brace-initializations stay complete.)
  std::vector<std::string> labels{}, components{};
  int64_t story_points_milli = -1;          // story points x 1000; -1: none given
  std::string priority{};                   // "" when none
  int64_t created_ms = 0, resolved_ms = 0;  // 0: not given, not resolved
  // Its issue links of the "is caused by" kind (docs/DELIVERY.md, "Bugs"):
  // the issues that caused this one, and those this one caused.
  std::vector<std::string> caused_by{}, causes{};
};

struct DeploymentRow {
  std::string source, id, repo, environment, sha, ref;
  bool production = false;
  int64_t created_ms = 0;
  std::string state;  // the latest state reported ("" when none was)
  int64_t state_ms = 0;
  int64_t success_ms = 0, failure_ms = 0;  // first success, first failure or error; 0: none
};

struct IncidentRow {
  std::string source, id, repo, environment;
  int64_t started_ms = 0, resolved_ms = 0;
};

struct PushedCommitRow {
  std::string repo, branch, sha;
  int64_t time_ms = 0;
  std::string author_email, parent_sha;
  bool merge = false;
  std::string reverts_sha;
  bool hotfix = false;
  int64_t pushed_ms = 0;
  std::string task_keys;  // comma-separated, as the message named them
  std::string fixes_sha;  // its "Fixes: <sha>" trailer's commit
};

// A pull request with labels (GitHub's): its head and merge commits.
struct LabelledPullRequestRow {
  std::string repo, head_sha, merge_sha;
  std::vector<std::string> labels;
};

struct DeliveryRows {
  std::vector<DeploymentRow> deployments;
  std::vector<IncidentRow> incidents;
  std::vector<PushedCommitRow> pushed;
  std::vector<LabelledPullRequestRow> labelled;  // merged pull requests with labels
  std::vector<TaskRecord> tasks;                 // by key
};

namespace delivery_rows {

// A list column: the items joined by newlines (Jira's names hold none).
inline std::string join_list(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& s : items) {
    if (!out.empty()) out += '\n';
    out += s;
  }
  return out;
}
inline std::vector<std::string> split_list(std::string_view text) {
  std::vector<std::string> out;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    if (nl != 0) out.emplace_back(text.substr(0, nl));
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  return out;
}

template <class Row>
TaskRecord task_of(const Row& row) {
  TaskRecord t;
  t.key = std::string(row.text(0));
  t.epic = std::string(row.text(1));
  t.updated_ms = row.int64(2);
  t.issue_type = std::string(row.text(3));
  t.status = std::string(row.text(4));
  t.deleted = row.int64(5) != 0;
  t.labels = split_list(row.text(6));
  t.components = split_list(row.text(7));
  t.story_points_milli = row.int64(8);
  t.priority = std::string(row.text(9));
  t.created_ms = row.int64(10);
  t.resolved_ms = row.int64(11);
  t.caused_by = split_list(row.text(12));
  t.causes = split_list(row.text(13));
  return t;
}

template <class Row>
DeploymentRow deployment_of(const Row& row) {
  DeploymentRow d;
  d.source = std::string(row.text(0));
  d.id = std::string(row.text(1));
  d.repo = std::string(row.text(2));
  d.environment = std::string(row.text(3));
  d.sha = std::string(row.text(4));
  d.ref = std::string(row.text(5));
  d.production = row.int64(6) != 0;
  d.created_ms = row.int64(7);
  d.state = std::string(row.text(8));
  d.state_ms = row.int64(9);
  d.success_ms = row.int64(10);
  d.failure_ms = row.int64(11);
  return d;
}

template <class Row>
IncidentRow incident_of(const Row& row) {
  return {std::string(row.text(0)),
          std::string(row.text(1)),
          std::string(row.text(2)),
          std::string(row.text(3)),
          row.int64(4),
          row.int64(5)};
}

template <class Row>
LabelledPullRequestRow labelled_of(const Row& row) {
  return {std::string(row.text(0)), std::string(row.text(1)), std::string(row.text(2)),
          split_list(row.text(3))};
}

template <class Row>
PushedCommitRow pushed_of(const Row& row) {
  PushedCommitRow p;
  p.repo = std::string(row.text(0));
  p.branch = std::string(row.text(1));
  p.sha = std::string(row.text(2));
  p.time_ms = row.int64(3);
  p.author_email = std::string(row.text(4));
  p.parent_sha = std::string(row.text(5));
  p.merge = row.int64(6) != 0;
  p.reverts_sha = std::string(row.text(7));
  p.hotfix = row.int64(8) != 0;
  p.pushed_ms = row.int64(9);
  p.task_keys = std::string(row.text(10));
  p.fixes_sha = std::string(row.text(11));
  return p;
}

}  // namespace delivery_rows
}  // namespace codepulse::collector
