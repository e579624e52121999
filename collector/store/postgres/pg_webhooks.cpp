#include "collector/store/postgres/pg_webhooks.hpp"

#include <chrono>
#include <thread>

#include "collector/store/postgres/pg_sql.hpp"
#include "collector/store/webhook_rows.hpp"

namespace codepulse::collector::pg_webhooks {
namespace {

constexpr int kMaxAttempts = 6;

// The statement of each write, with the name it is prepared under.
std::pair<const char*, const char*> statement_of(webhook_rows::Write w) {
  switch (w) {
    case webhook_rows::Write::kClaimDelivery:
      return {"codepulse_claim_delivery", pg_sql::kClaimDelivery};
    case webhook_rows::Write::kPushedCommit:
      return {"codepulse_insert_pushed_commit", pg_sql::kInsertPushedCommit};
    case webhook_rows::Write::kDropContradictedFiles:
      return {"codepulse_drop_contradicted_files", pg_sql::kDropContradictedFiles};
    case webhook_rows::Write::kDropContradictedReworks:
      return {"codepulse_drop_contradicted_reworks", pg_sql::kDropContradictedReworks};
    case webhook_rows::Write::kDropContradictedCommit:
      return {"codepulse_drop_contradicted_commit", pg_sql::kDropContradictedCommit};
    case webhook_rows::Write::kAdoptPushedAuthor:
      return {"codepulse_adopt_pushed_author", pg_sql::kAdoptPushedAuthor};
    case webhook_rows::Write::kPullRequest:
      return {"codepulse_upsert_pull_request", pg_sql::kUpsertPullRequest.c_str()};
    case webhook_rows::Write::kReview:
      return {"codepulse_insert_review", pg_sql::kInsertReview};
    case webhook_rows::Write::kDeployment:
      return {"codepulse_upsert_deployment", pg_sql::kUpsertDeployment.c_str()};
    case webhook_rows::Write::kIncident:
      return {"codepulse_upsert_incident", pg_sql::kUpsertIncident.c_str()};
  }
  return {"", ""};
}

// Runs the statement of `w` with `params`; returns the rows it changed.
Result<int64_t> run(pg::Connection& conn, webhook_rows::Write w,
                    const webhook_rows::Params& params) {
  const auto [name, text] = statement_of(w);
  pg::Params p;
  for (const auto& v : params)
    std::visit([&p](auto x) { p.add(x); }, v);
  auto rows = conn.run(name, text, p);
  if (!rows) return rows.error();
  return rows->affected();
}

// A row of a result, read like a SQLite statement (webhook_rows readers).
struct RowOf {
  const pg::Rows& rows;
  int i;
  std::string_view text(int col) const { return rows.text(i, col); }
  int64_t int64(int col) const { return rows.int64(i, col); }
};

}  // namespace

Result<WebhookOutcome> apply(pg::Connection& conn, const WebhookDelivery& delivery) {
  Error last{""};
  for (int attempt = 1; attempt <= kMaxAttempts; ++attempt) {
    if (auto s = conn.exec("BEGIN"); !s) return s.error();
    auto out = webhook_rows::write_delivery(
        delivery,
        [&](webhook_rows::Write w, const webhook_rows::Params& p) { return run(conn, w, p); });
    if (out) {
      // A duplicate wrote nothing: its transaction rolls back.
      if (auto s = conn.exec(out->duplicate ? "ROLLBACK" : "COMMIT"); !s) return s.error();
      return out;
    }
    const bool retry = conn.last_error_retryable();
    (void)conn.exec("ROLLBACK");
    last = out.error();
    if (!retry) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5 * attempt));
  }
  return last;
}

Result<std::vector<report::PullRequestFact>> load_pull_requests(pg::Connection& conn) {
  if (auto s = conn.exec(pg_sql::kBeginSnapshot); !s) return s.error();
  auto read = [&]() -> Result<std::vector<report::PullRequestFact>> {
    webhook_rows::FactBuilder facts;
    auto prs = conn.run("codepulse_select_pull_requests", webhook_sql::kSelectPullRequests, {});
    if (!prs) return prs.error();
    for (int i = 0; i < prs->size(); ++i) {
      auto fact = webhook_rows::fact_of(RowOf{*prs, i});
      if (!fact) return fact.error();
      facts.add(std::move(fact).value());
    }
    auto commits =
        conn.run("codepulse_select_pr_commits", webhook_sql::kSelectPullRequestCommits, {});
    if (!commits) return commits.error();
    for (int i = 0; i < commits->size(); ++i) {
      if (auto s = facts.add_commit(webhook_rows::commit_of(RowOf{*commits, i})); !s)
        return s.error();
    }
    return std::move(facts).finish();
  };
  auto out = read();
  (void)conn.exec(out ? "COMMIT" : "ROLLBACK");
  return out;
}

Result<DeliveryRows> load_delivery(pg::Connection& conn) {
  if (auto s = conn.exec(pg_sql::kBeginSnapshot); !s) return s.error();
  auto read = [&]() -> Result<DeliveryRows> {
    DeliveryRows out;
    auto deployments =
        conn.run("codepulse_select_deployments", delivery_sql::kSelectDeployments, {});
    if (!deployments) return deployments.error();
    for (int i = 0; i < deployments->size(); ++i)
      out.deployments.push_back(delivery_rows::deployment_of(RowOf{*deployments, i}));
    auto incidents = conn.run("codepulse_select_incidents", delivery_sql::kSelectIncidents, {});
    if (!incidents) return incidents.error();
    for (int i = 0; i < incidents->size(); ++i)
      out.incidents.push_back(delivery_rows::incident_of(RowOf{*incidents, i}));
    auto pushed =
        conn.run("codepulse_select_pushed_commits", delivery_sql::kSelectPushedCommits, {});
    if (!pushed) return pushed.error();
    for (int i = 0; i < pushed->size(); ++i)
      out.pushed.push_back(delivery_rows::pushed_of(RowOf{*pushed, i}));
    auto labelled =
        conn.run("codepulse_select_labelled_prs", delivery_sql::kSelectLabelledPullRequests, {});
    if (!labelled) return labelled.error();
    for (int i = 0; i < labelled->size(); ++i)
      out.labelled.push_back(delivery_rows::labelled_of(RowOf{*labelled, i}));
    auto tasks = conn.run("codepulse_select_tasks", delivery_sql::kSelectTasks, {});
    if (!tasks) return tasks.error();
    for (int i = 0; i < tasks->size(); ++i)
      out.tasks.push_back(delivery_rows::task_of(RowOf{*tasks, i}));
    return out;
  };
  auto out = read();
  (void)conn.exec(out ? "COMMIT" : "ROLLBACK");
  return out;
}

}  // namespace codepulse::collector::pg_webhooks
