// The PostgreSQL store's webhook tables (pg_schema.hpp, version 5): applying a
// delivery and reading the pull requests back, on the connection given.
#pragma once

#include <vector>

#include "collector/store/delivery_rows.hpp"
#include "collector/store/postgres/pg_connection.hpp"
#include "collector/store/webhook_event.hpp"
#include "common/report/outcome_facts.hpp"
#include "common/result.hpp"

namespace codepulse::collector::pg_webhooks {

// Claims the delivery id and applies its event in ONE transaction; a
// serialization failure or deadlock (another collector on the same rows)
// runs it again, a few times. A delivery id seen before changes nothing.
Result<WebhookOutcome> apply(pg::Connection& conn, const WebhookDelivery& delivery);

// Every pull request, from one snapshot.
Result<std::vector<report::PullRequestFact>> load_pull_requests(pg::Connection& conn);

// Every deployment, incident and pushed commit, from one snapshot.
Result<DeliveryRows> load_delivery(pg::Connection& conn);

}  // namespace codepulse::collector::pg_webhooks
