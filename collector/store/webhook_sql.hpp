// The SQL of the webhook tables that SQLite and PostgreSQL read alike
// (migration 5 in sqlite_schema.hpp and pg_schema.hpp makes the tables; each
// dialect adds its own parameter list to kInsertPullRequest).
#pragma once

namespace codepulse::collector::webhook_sql {

// The columns in the order webhook_rows::pull_request() gives them.
inline constexpr const char* kInsertPullRequest =
    "INSERT INTO pull_requests AS p (repo, number, author, head_branch, base_branch, task_keys,"
    " head_sha, merge_sha, state, event_ms, opened_ms, ready_ms, merged_ms, closed_ms, labels,"
    " labels_ms) ";

// How an event merges into the row of its pull request, so that events
// applied in any order give the same row: the later event (event_ms) says
// the state, branches, keys and head, but a merge is final and its time and
// SHA never move; the earliest opening and leaving draft seen win; an event
// that does not say a field (0 or '') leaves it as it is. Labels are the
// latest labelling event's (labels_ms: 0 for an event that does not say).
inline constexpr const char* kMergePullRequest = R"sql(
ON CONFLICT (repo, number) DO UPDATE SET
  author = CASE WHEN excluded.author <> '' AND (p.author = '' OR excluded.event_ms >= p.event_ms)
           THEN excluded.author ELSE p.author END,
  head_branch = CASE WHEN excluded.head_branch <> '' AND
                  (p.head_branch = '' OR excluded.event_ms >= p.event_ms)
                THEN excluded.head_branch ELSE p.head_branch END,
  base_branch = CASE WHEN excluded.base_branch <> '' AND
                  (p.base_branch = '' OR excluded.event_ms >= p.event_ms)
                THEN excluded.base_branch ELSE p.base_branch END,
  task_keys = CASE WHEN excluded.task_keys <> '' AND
                (p.task_keys = '' OR excluded.event_ms >= p.event_ms)
              THEN excluded.task_keys ELSE p.task_keys END,
  head_sha = CASE WHEN excluded.head_sha <> '' AND p.state <> 'merged' AND
               (p.head_sha = '' OR excluded.event_ms >= p.event_ms)
             THEN excluded.head_sha ELSE p.head_sha END,
  merge_sha = CASE WHEN p.merge_sha = '' THEN excluded.merge_sha ELSE p.merge_sha END,
  state = CASE WHEN p.state = 'merged' OR excluded.state = 'merged' THEN 'merged'
          WHEN excluded.event_ms > 0 AND excluded.event_ms >= p.event_ms THEN excluded.state
          ELSE p.state END,
  closed_ms = CASE WHEN p.state = 'merged' THEN p.closed_ms
              WHEN excluded.state = 'merged' THEN excluded.closed_ms
              WHEN excluded.event_ms > 0 AND excluded.event_ms >= p.event_ms THEN excluded.closed_ms
              ELSE p.closed_ms END,
  merged_ms = CASE WHEN p.merged_ms = 0 THEN excluded.merged_ms ELSE p.merged_ms END,
  opened_ms = CASE WHEN p.opened_ms = 0 OR (excluded.opened_ms > 0 AND excluded.opened_ms < p.opened_ms)
              THEN excluded.opened_ms ELSE p.opened_ms END,
  ready_ms = CASE WHEN p.ready_ms = 0 OR (excluded.ready_ms > 0 AND excluded.ready_ms < p.ready_ms)
             THEN excluded.ready_ms ELSE p.ready_ms END,
  labels = CASE WHEN excluded.labels_ms > 0 AND excluded.labels_ms >= p.labels_ms
           THEN excluded.labels ELSE p.labels END,
  labels_ms = CASE WHEN excluded.labels_ms > p.labels_ms THEN excluded.labels_ms
              ELSE p.labels_ms END,
  event_ms = CASE WHEN excluded.event_ms > p.event_ms THEN excluded.event_ms ELSE p.event_ms END
)sql";

// The read side (webhook_rows::FactBuilder): every pull request with its first
// review by someone other than its author, then the commits pushed to its
// head branch up to its merge or close (all of them while it is open).
inline constexpr const char* kSelectPullRequests = R"sql(
SELECT p.repo, p.number, p.author, p.head_branch, p.base_branch, p.task_keys, p.state,
  p.opened_ms, p.ready_ms, p.merged_ms, p.closed_ms, p.merge_sha, p.head_sha,
  coalesce((SELECT min(r.time_ms) FROM pr_reviews r
            WHERE r.repo = p.repo AND r.number = p.number AND r.reviewer <> p.author), 0)
FROM pull_requests p ORDER BY p.repo, p.number
)sql";
inline constexpr const char* kSelectPullRequestCommits = R"sql(
SELECT p.repo, p.number, c.sha, c.time_ms, c.author_email, c.pusher
FROM pull_requests p JOIN pushed_commits c ON c.repo = p.repo AND c.branch = p.head_branch
WHERE p.state = 'open' OR c.time_ms <= CASE WHEN p.merged_ms > 0 THEN p.merged_ms ELSE p.closed_ms END
)sql";

}  // namespace codepulse::collector::webhook_sql
