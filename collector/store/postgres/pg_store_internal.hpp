// The PostgreSQL store's class, shared by the files that define its members
// (pg_store.cpp opens it; ingest, tokens, commits, usage reads, tasks and
// devices each have their own file), and the helpers several of them use.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "collector/store/postgres/pg_connection.hpp"
#include "collector/store/postgres/pg_pool.hpp"
#include "collector/store/postgres/pg_sql.hpp"
#include "collector/store/postgres/pg_webhooks.hpp"
#include "collector/store/postgres/usage_follower.hpp"
#include "collector/store/row_view.hpp"
#include "collector/store/store.hpp"

namespace codepulse::collector::pg_store {

// Row `row` of a PostgreSQL result, for the readers of rows shared by the
// stores (stored_rows.hpp, commit_rows.hpp).
class ResultRow final : public RowView {
 public:
  ResultRow(const pg::Rows& rows, int row) : rows_(rows), row_(row) {}
  std::string_view text(int col) const override { return rows_.text(row_, col); }
  int64_t int64(int col) const override { return rows_.int64(row_, col); }
  std::optional<int64_t> opt_int64(int col) const override { return rows_.opt_int64(row_, col); }

 private:
  const pg::Rows& rows_;
  int row_;
};

// Runs `sql` and hands each row to `row` (pg_pricing.cpp).
Status each_row(pg::Connection& conn, const std::string& sql, const pg::Params& params,
                const std::function<void(const RowView&)>& row);

// `read` inside one read-only snapshot on `conn`.
template <class Read>
Status in_snapshot(pg::Connection& conn, Read read) {
  if (auto s = conn.exec(pg_sql::kBeginSnapshot); !s) return s;
  Status s = read();
  (void)conn.exec(s ? "COMMIT" : "ROLLBACK");
  return s;
}

// The task epics (task_epics with an epic) into `epics`.
Status read_epics(pg::Connection& conn, report::EpicMap& epics);

// Several stateless collectors over one database: idempotence lives in the
// database (unique keys and INSERT ... ON CONFLICT), never in this process.
class PostgresStore final : public Store {
 public:
  PostgresStore(std::string uri, pg::Connection writer);
  ~PostgresStore() override;

  Status migrate();

  std::vector<Result<IngestResult>> ingest_many(
      const std::vector<IngestRequest>& requests) override;
  Result<std::string> create_token(const std::string& author, Role role, const std::string& label,
                                   const std::string& scope = "org") override;
  Result<std::optional<TokenInfo>> authenticate(std::string_view token) override;
  Result<std::vector<TokenInfo>> list_tokens() override;
  Result<std::vector<std::pair<TokenInfo, std::string>>> scim_tokens() override;
  Status revoke_token(int64_t id) override;
  Status follow_usage(const UsageScan& scan, UsageListener listener) override {
    return follower_.start(scan, std::move(listener));
  }
  void unfollow_usage() override { follower_.stop(); }
  Status sync_usage() override { return follower_.sync(); }
  Status read_usage(int64_t since_ms, int64_t until_ms, bool with_tools, report::EpicMap& epics,
                    const UsageScan& scan) override;
  Result<report::EpicMap> load_epics() override;
  Status read_usage_by_ids(const std::vector<int64_t>& ids, const UsageScan& scan) override;
  Result<std::vector<UsageDayCount>> usage_days(int64_t since_ms, int64_t until_ms) override;
  Result<report::CommitFacts> load_commits(int64_t since_ms, int64_t until_ms) override;
  Result<int64_t> upsert_tasks(const std::vector<TaskRecord>& tasks) override;
  Result<WebhookOutcome> apply_webhook(const WebhookDelivery& delivery) override {
    std::lock_guard lock(writer_mu_);
    return pg_webhooks::apply(writer_, delivery);
  }
  Result<std::vector<report::PullRequestFact>> load_pull_requests() override {
    auto conn = pool_.lease();
    if (!conn) return conn.error();
    return pg_webhooks::load_pull_requests(**conn);
  }
  Result<DeliveryRows> load_delivery() override {
    auto conn = pool_.lease();
    if (!conn) return conn.error();
    return pg_webhooks::load_delivery(**conn);
  }
  Result<std::vector<DeviceActivity>> device_activity(size_t limit) override;
  Result<int64_t> record_count() override;
  // The generation: pg_generation.cpp.
  Result<StoreGeneration> generation() override;
  Result<StoreGeneration> renew_generation(std::optional<int64_t> backup_ms) override;
  Result<int64_t> size_bytes() override;
  // Prices: pg_pricing.cpp.
  Result<PricingRows> load_pricing() override;
  Result<PricingVersion> pricing_version() override;
  Result<int64_t> import_price_book(const PriceBook& book, const std::string& by, int64_t at_ms,
                                    const std::string& note) override;
  Result<int64_t> add_price_override(const RateOverride& o) override;
  Status remove_price_override(int64_t id, const std::string& by, int64_t at_ms) override;
  Result<std::vector<PriceChange>> price_history() override;
  Result<std::vector<UnpricedModel>> unpriced_models(const Pricer& pricer, int64_t since_ms,
                                                     int64_t until_ms) override;

  // Alerts: pg_alerts.cpp.
  Result<int64_t> enqueue_alert(const AlertMessage& alert,
                                const std::vector<std::string>& receivers) override;
  Result<std::vector<AlertDelivery>> claim_alerts(const std::string& owner,
                                                  const std::vector<std::string>& receivers,
                                                  int64_t now_ms, int64_t lease_ms,
                                                  size_t limit) override;
  Result<bool> finish_alert(const std::string& dedupe_key, const std::string& receiver,
                            const std::string& owner, const AlertFinish& finish) override;
  Result<std::vector<AlertDelivery>> list_alerts(size_t limit) override;
  // Budgets: pg_budgets.cpp.
  Result<int64_t> add_budget(const BudgetRow& b) override;
  Status remove_budget(int64_t id) override;
  Result<std::vector<BudgetRow>> load_budgets() override;
  Result<int64_t> add_budget_override(const BudgetOverride& o, int64_t now_ms) override;
  Result<std::vector<BudgetOverride>> load_budget_overrides() override;
  // Seats: pg_seats.cpp.
  Result<int64_t> add_seat(const SeatRow& s) override;
  Status end_seat(int64_t id, const std::string& end_day) override;
  Status remove_seat(int64_t id) override;
  Result<std::vector<SeatRow>> load_seats() override;
  // Single sign-on: pg_sso.cpp.
  Status add_sso_login(const SsoLogin& login, int64_t purge_before_ms) override;
  Result<std::optional<SsoLogin>> take_sso_login(const std::string& state_hash) override;
  Status add_sso_session(const SsoSession& session) override;
  Result<std::optional<SsoSession>> find_sso_session(const std::string& id_hash,
                                                     int64_t now_ms) override;
  Status end_sso_session(const std::string& id_hash) override;
  // People: pg_people.cpp.
  Result<PeopleRows> load_people() override;
  Status edit_people(const PeopleEdit& edit) override;
  Status append_audit(const AuditEvent& event) override;
  Result<std::vector<AuditEvent>> list_audit(const AuditQuery& query) override;
  // Provider usage: pg_providers.cpp.
  Status replace_provider_days(const std::vector<ProviderDay>& days,
                               const std::optional<ProviderCursor>& cursor,
                               const std::string& origin, int64_t at_ms) override;
  Result<std::vector<ProviderUsageRow>> load_provider_rows(const std::string& since_day,
                                                           const std::string& until_day) override;
  Result<std::vector<ProviderDayInfo>> load_provider_days(const std::string& since_day,
                                                          const std::string& until_day) override;
  Result<std::optional<ProviderCursor>> provider_cursor(ProviderSource source) override;

 private:
  // One attempt at the whole group, in one transaction.
  Result<std::vector<Result<IngestResult>>> ingest_group(
      const std::vector<IngestRequest>& requests);
  Result<IngestResult> ingest_one(const std::string& author, const proto::DecodedBatch& batch);
  Result<std::optional<IngestResult>> stored_outcome(const std::string& author,
                                                     const std::string& batch_id);
  // The records of a batch, pipelined; outcomes in batch order.
  // What the store holds of an author's UTC day (author_day_limit.hpp).
  Result<int64_t> day_tokens(const std::string& author, int64_t day_ms,
                             const std::vector<std::string>* excluding);
  Result<std::vector<RecordOutcome::Kind>> store_records(const std::string& author,
                                                         const proto::DecodedBatch& batch,
                                                         int64_t now_ms);
  // Inserts the records not stored yet in one statement; true for each.
  Result<std::vector<bool>> insert_new(const std::string& author, const std::string& device_id,
                                       const std::vector<const proto::WireRecord*>& sent,
                                       int64_t now_ms);
  Status save_outcome(const std::string& author, const proto::DecodedBatch& batch,
                      const IngestResult& result);
  Result<int64_t> scalar(const char* sql);

  const std::string uri_;
  std::mutex writer_mu_;  // the writing connection: ingest and tokens serialize
  pg::Connection writer_;
  pg::Pool pool_;
  UsageFollower follower_;
};

}  // namespace codepulse::collector::pg_store
