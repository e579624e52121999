// The SQL of the delivery tables (deployments, incidents; migration 22 in
// sqlite_schema.hpp and pg_schema.hpp) that SQLite and PostgreSQL read
// alike; each dialect adds its own parameter list to the INSERTs.
#pragma once

namespace codepulse::collector::delivery_sql {

// The columns in the order webhook_rows::deployment() gives them.
inline constexpr const char* kInsertDeployment =
    "INSERT INTO deployments AS d (source, id, repo, environment, sha, ref, production,"
    " created_ms, state, state_ms, success_ms, failure_ms) ";
// How an event merges into its deployment's row, so that events in any order
// give the same row: what a row lacks an event fills in, the earliest request,
// success and failure times win, the latest state is the state.
inline constexpr const char* kMergeDeployment = R"sql(
ON CONFLICT (source, id) DO UPDATE SET
  repo = CASE WHEN d.repo = '' THEN excluded.repo ELSE d.repo END,
  environment = CASE WHEN d.environment = '' THEN excluded.environment ELSE d.environment END,
  sha = CASE WHEN d.sha = '' THEN excluded.sha ELSE d.sha END,
  ref = CASE WHEN d.ref = '' THEN excluded.ref ELSE d.ref END,
  production = CASE WHEN excluded.production > d.production THEN excluded.production
               ELSE d.production END,
  created_ms = CASE WHEN d.created_ms = 0 OR (excluded.created_ms > 0 AND
                 excluded.created_ms < d.created_ms) THEN excluded.created_ms ELSE d.created_ms END,
  state = CASE WHEN excluded.state <> '' AND excluded.state_ms >= d.state_ms THEN excluded.state
          ELSE d.state END,
  state_ms = CASE WHEN excluded.state <> '' AND excluded.state_ms >= d.state_ms
             THEN excluded.state_ms ELSE d.state_ms END,
  success_ms = CASE WHEN d.success_ms = 0 OR (excluded.success_ms > 0 AND
                 excluded.success_ms < d.success_ms) THEN excluded.success_ms ELSE d.success_ms END,
  failure_ms = CASE WHEN d.failure_ms = 0 OR (excluded.failure_ms > 0 AND
                 excluded.failure_ms < d.failure_ms) THEN excluded.failure_ms ELSE d.failure_ms END
)sql";

// The columns in the order webhook_rows::incident() gives them.
inline constexpr const char* kInsertIncident =
    "INSERT INTO incidents AS i (source, id, repo, environment, started_ms, resolved_ms) ";
// The earliest start and the latest resolution seen win; names fill in.
inline constexpr const char* kMergeIncident = R"sql(
ON CONFLICT (source, id) DO UPDATE SET
  repo = CASE WHEN i.repo = '' THEN excluded.repo ELSE i.repo END,
  environment = CASE WHEN i.environment = '' THEN excluded.environment ELSE i.environment END,
  started_ms = CASE WHEN i.started_ms = 0 OR (excluded.started_ms > 0 AND
                 excluded.started_ms < i.started_ms) THEN excluded.started_ms ELSE i.started_ms END,
  resolved_ms = CASE WHEN excluded.resolved_ms > i.resolved_ms THEN excluded.resolved_ms
                ELSE i.resolved_ms END
)sql";

// The read side (delivery_rows.hpp), each in a fixed order.
inline constexpr const char* kSelectDeployments = R"sql(
SELECT source, id, repo, environment, sha, ref, production, created_ms, state, state_ms,
  success_ms, failure_ms
FROM deployments ORDER BY source, id
)sql";
inline constexpr const char* kSelectIncidents = R"sql(
SELECT source, id, repo, environment, started_ms, resolved_ms
FROM incidents ORDER BY source, id
)sql";
inline constexpr const char* kSelectPushedCommits = R"sql(
SELECT repo, branch, sha, time_ms, author_email, parent_sha, is_merge, reverts_sha, hotfix,
  pushed_ms, task_keys, fixes_sha
FROM pushed_commits ORDER BY repo, pushed_ms, sha, branch
)sql";
// Merged pull requests with labels (delivery_rows.hpp, labelled_of).
inline constexpr const char* kSelectLabelledPullRequests = R"sql(
SELECT repo, head_sha, merge_sha, labels FROM pull_requests
WHERE state = 'merged' AND labels <> '' ORDER BY repo, number
)sql";
// Every task Jira described (delivery_rows.hpp, task_of), by key.
inline constexpr const char* kSelectTasks = R"sql(
SELECT task_key, epic_key, updated_ms, issue_type, status, deleted, labels, components,
  story_points_milli, priority, created_ms, resolved_ms, caused_by, causes
FROM task_epics ORDER BY task_key
)sql";

}  // namespace codepulse::collector::delivery_sql
