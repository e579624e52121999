// The SQLite store's webhook tables (sqlite_schema.hpp, migration 5): applying
// a delivery and reading the pull requests back. The store holds the locks;
// these take the connection to use.
#pragma once

#include <vector>

#include "collector/store/delivery_rows.hpp"
#include "collector/store/webhook_event.hpp"
#include "common/report/outcome_facts.hpp"
#include "common/result.hpp"
#include "common/sqlite.hpp"

namespace codepulse::collector::sqlite_webhooks {

// Claims the delivery id and applies its event in ONE transaction (BEGIN
// IMMEDIATE ... COMMIT, synced): a delivery id seen before changes nothing.
Result<WebhookOutcome> apply(sql::Database& db, const WebhookDelivery& delivery);

// Every pull request, from one snapshot (a read transaction of its own).
Result<std::vector<report::PullRequestFact>> load_pull_requests(sql::Database& db);

// Every deployment, incident and pushed commit, from one snapshot.
Result<DeliveryRows> load_delivery(sql::Database& db);

}  // namespace codepulse::collector::sqlite_webhooks
