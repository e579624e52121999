#include "collector/store/sqlite/sqlite_webhooks.hpp"

#include "collector/store/sqlite/sqlite_sql.hpp"
#include "collector/store/webhook_rows.hpp"

namespace codepulse::collector::sqlite_webhooks {
namespace {

// Runs `text` with `params`; returns the rows it changed.
Result<int64_t> run(sql::Database& db, const char* text, const webhook_rows::Params& params) {
  auto st = db.prepare(text);
  if (!st) return st.error();
  for (size_t i = 0; i < params.size(); ++i)
    std::visit([&](auto v) { st->bind(static_cast<int>(i + 1), v); }, params[i]);
  if (auto s = st->run(); !s) return s.error();
  return db.changes();
}

const char* sql_of(webhook_rows::Write w) {
  switch (w) {
    case webhook_rows::Write::kClaimDelivery:
      return sql_text::kClaimDelivery;
    case webhook_rows::Write::kPushedCommit:
      return sql_text::kInsertPushedCommit;
    case webhook_rows::Write::kDropContradictedFiles:
      return sql_text::kDropContradictedFiles;
    case webhook_rows::Write::kDropContradictedReworks:
      return sql_text::kDropContradictedReworks;
    case webhook_rows::Write::kDropContradictedCommit:
      return sql_text::kDropContradictedCommit;
    case webhook_rows::Write::kAdoptPushedAuthor:
      return sql_text::kAdoptPushedAuthor;
    case webhook_rows::Write::kPullRequest:
      return sql_text::kUpsertPullRequest.c_str();
    case webhook_rows::Write::kReview:
      return sql_text::kInsertReview;
    case webhook_rows::Write::kDeployment:
      return sql_text::kUpsertDeployment.c_str();
    case webhook_rows::Write::kIncident:
      return sql_text::kUpsertIncident.c_str();
  }
  return "";
}

// Runs the query `text`, passing each row to `row`; stops at its first error.
template <class F>
Status each_row(sql::Database& db, const char* text, F&& row) {
  auto st = db.prepare(text);
  if (!st) return st.error();
  while (true) {
    auto more = st->step();
    if (!more) return more.error();
    if (!*more) return {};
    if (auto s = row(*st); !s) return s;
  }
}

}  // namespace

Result<WebhookOutcome> apply(sql::Database& db, const WebhookDelivery& delivery) {
  auto txn = sql::Transaction::begin(db);
  if (!txn) return txn.error();
  auto out = webhook_rows::write_delivery(
      delivery,
      [&](webhook_rows::Write w, const webhook_rows::Params& p) { return run(db, sql_of(w), p); });
  if (!out) return out.error();
  if (out->duplicate) return out;  // the transaction rolls back: nothing was written
  if (auto s = txn->commit(); !s) return s.error();
  return out;
}

Result<std::vector<report::PullRequestFact>> load_pull_requests(sql::Database& db) {
  // One snapshot for both reads.
  if (auto s = db.exec("BEGIN"); !s) return s.error();
  auto read = [&]() -> Result<std::vector<report::PullRequestFact>> {
    webhook_rows::FactBuilder facts;
    auto s = each_row(db, webhook_sql::kSelectPullRequests, [&](const sql::Statement& row) {
      auto fact = webhook_rows::fact_of(row);
      if (!fact) return Status(fact.error());
      facts.add(std::move(fact).value());
      return Status();
    });
    if (s) {
      s = each_row(db, webhook_sql::kSelectPullRequestCommits, [&](const sql::Statement& row) {
        return facts.add_commit(webhook_rows::commit_of(row));
      });
    }
    if (!s) return s.error();
    return std::move(facts).finish();
  };
  auto out = read();
  (void)db.exec("COMMIT");
  return out;
}

Result<DeliveryRows> load_delivery(sql::Database& db) {
  if (auto s = db.exec("BEGIN"); !s) return s.error();  // one snapshot for the five reads
  DeliveryRows out;
  auto s = each_row(db, delivery_sql::kSelectDeployments, [&](const sql::Statement& row) {
    out.deployments.push_back(delivery_rows::deployment_of(row));
    return Status();
  });
  if (s)
    s = each_row(db, delivery_sql::kSelectIncidents, [&](const sql::Statement& row) {
      out.incidents.push_back(delivery_rows::incident_of(row));
      return Status();
    });
  if (s)
    s = each_row(db, delivery_sql::kSelectPushedCommits, [&](const sql::Statement& row) {
      out.pushed.push_back(delivery_rows::pushed_of(row));
      return Status();
    });
  if (s)
    s = each_row(db, delivery_sql::kSelectLabelledPullRequests, [&](const sql::Statement& row) {
      out.labelled.push_back(delivery_rows::labelled_of(row));
      return Status();
    });
  if (s)
    s = each_row(db, delivery_sql::kSelectTasks, [&](const sql::Statement& row) {
      out.tasks.push_back(delivery_rows::task_of(row));
      return Status();
    });
  (void)db.exec("COMMIT");
  if (!s) return s.error();
  return out;
}

}  // namespace codepulse::collector::sqlite_webhooks
