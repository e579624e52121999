// The SQLite store's class, shared by the files that define its members
// (sqlite_store.cpp opens it; ingest, tokens, commits, usage reads, tasks and
// devices each have their own file), and the helpers several of them use.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "collector/store/commit_trust.hpp"
#include "collector/store/row_view.hpp"
#include "collector/store/sqlite/sqlite_checkpointer.hpp"
#include "collector/store/sqlite/sqlite_uid_index.hpp"
#include "collector/store/sqlite/sqlite_webhooks.hpp"
#include "collector/store/store.hpp"
#include "collector/store/store_rules.hpp"
#include "common/sqlite.hpp"

namespace codepulse::collector::sqlite_store {

// Resets a statement (and its bindings) when the scope ends.
class ResetGuard {
 public:
  explicit ResetGuard(sql::Statement& st) : st_(st) {}
  ~ResetGuard() { st_.reset(); }
  ResetGuard(const ResetGuard&) = delete;
  ResetGuard& operator=(const ResetGuard&) = delete;

 private:
  sql::Statement& st_;
};

// The row a SQLite statement stands on, for the readers of rows shared by
// the stores (stored_rows.hpp, commit_rows.hpp).
class StatementRow final : public RowView {
 public:
  explicit StatementRow(const sql::Statement& st) : st_(st) {}
  std::string_view text(int col) const override { return st_.text(col); }
  int64_t int64(int col) const override { return st_.int64(col); }
  std::optional<int64_t> opt_int64(int col) const override { return st_.opt_int64(col); }

 private:
  const sql::Statement& st_;
};

// Runs `sql` with `bind` (may be empty) and hands each row to `row`
// (sqlite_pricing.cpp).
Status each_row(sql::Database& db, std::string_view sql,
                const std::function<void(sql::Statement&)>& bind,
                const std::function<void(const RowView&)>& row);

// Ends a read transaction on every path.
struct EndRead {
  sql::Database& db;
  ~EndRead() { (void)db.exec("COMMIT"); }
};

// The lookup key of a record uid: 64 bits of FNV-1a. Collisions only cost a
// second row visit; the uid text decides.
int64_t uid_key(std::string_view uid);

// A connection to the store's file on the guarded VFS; never creates it.
Result<sql::Database> open_guarded(const std::string& path);

// One connection writes, prepared statements reused, one transaction per
// group of batches, WAL synced on every commit (sqlite_schema.hpp).
class SqliteStore final : public Store {
 public:
  SqliteStore(std::string path, const SqliteStoreOptions& options)
      : path_(std::move(path)), uids_(options.uid_memory_rows) {}
  ~SqliteStore() override;

  // The writer, the reader and the checkpointer's connections, on the
  // guarded VFS (sqlite_guarded_vfs.hpp).
  Status open_connections();
  Status migrate();
  Status prepare_all();
  Status load_uid_index();

  std::vector<Result<IngestResult>> ingest_many(
      const std::vector<IngestRequest>& requests) override;
  Result<int64_t> size_bytes() override;
  Result<std::string> create_token(const std::string& author, Role role, const std::string& label,
                                   const std::string& scope = "org") override;
  Result<std::optional<TokenInfo>> authenticate(std::string_view token) override;
  Result<std::vector<TokenInfo>> list_tokens() override;
  Result<std::vector<std::pair<TokenInfo, std::string>>> scim_tokens() override;
  Status revoke_token(int64_t id) override;
  Status follow_usage(const UsageScan& scan, UsageListener listener) override;
  void unfollow_usage() override;
  Status read_usage(int64_t since_ms, int64_t until_ms, bool with_tools, report::EpicMap& epics,
                    const UsageScan& scan) override;
  Result<report::EpicMap> load_epics() override;
  Status read_usage_by_ids(const std::vector<int64_t>& ids, const UsageScan& scan) override;
  Result<std::vector<UsageDayCount>> usage_days(int64_t since_ms, int64_t until_ms) override;
  Result<report::CommitFacts> load_commits(int64_t since_ms, int64_t until_ms) override;
  Result<int64_t> upsert_tasks(const std::vector<TaskRecord>& tasks) override;
  Result<WebhookOutcome> apply_webhook(const WebhookDelivery& delivery) override {
    if (auto s = heal(); !s) return s.error();
    std::lock_guard lock(mu_);
    return sqlite_webhooks::apply(db_, delivery);
  }
  Result<std::vector<report::PullRequestFact>> load_pull_requests() override {
    if (auto s = heal(); !s) return s.error();
    std::lock_guard lock(report_mu_);
    if (auto s = open_report_db(); !s) return s.error();
    return sqlite_webhooks::load_pull_requests(*report_db_);
  }
  Result<DeliveryRows> load_delivery() override {
    if (auto s = heal(); !s) return s.error();
    std::lock_guard lock(report_mu_);
    if (auto s = open_report_db(); !s) return s.error();
    return sqlite_webhooks::load_delivery(*report_db_);
  }
  Result<int64_t> record_count() override;
  Result<std::vector<DeviceActivity>> device_activity(size_t limit) override;
  // The generation: sqlite_generation.cpp.
  Result<StoreGeneration> generation() override;
  Result<StoreGeneration> renew_generation(std::optional<int64_t> backup_ms) override;
  // Prices: sqlite_pricing.cpp.
  Result<PricingRows> load_pricing() override;
  Result<PricingVersion> pricing_version() override;
  Result<int64_t> import_price_book(const PriceBook& book, const std::string& by, int64_t at_ms,
                                    const std::string& note) override;
  Result<int64_t> add_price_override(const RateOverride& o) override;
  Status remove_price_override(int64_t id, const std::string& by, int64_t at_ms) override;
  Result<std::vector<PriceChange>> price_history() override;
  Result<std::vector<UnpricedModel>> unpriced_models(const Pricer& pricer, int64_t since_ms,
                                                     int64_t until_ms) override;

  // Alerts: sqlite_alerts.cpp.
  Result<int64_t> enqueue_alert(const AlertMessage& alert,
                                const std::vector<std::string>& receivers) override;
  Result<std::vector<AlertDelivery>> claim_alerts(const std::string& owner,
                                                  const std::vector<std::string>& receivers,
                                                  int64_t now_ms, int64_t lease_ms,
                                                  size_t limit) override;
  Result<bool> finish_alert(const std::string& dedupe_key, const std::string& receiver,
                            const std::string& owner, const AlertFinish& finish) override;
  Result<std::vector<AlertDelivery>> list_alerts(size_t limit) override;
  // Budgets: sqlite_budgets.cpp.
  Result<int64_t> add_budget(const BudgetRow& b) override;
  Status remove_budget(int64_t id) override;
  Result<std::vector<BudgetRow>> load_budgets() override;
  Result<int64_t> add_budget_override(const BudgetOverride& o, int64_t now_ms) override;
  Result<std::vector<BudgetOverride>> load_budget_overrides() override;
  // Seats: sqlite_seats.cpp.
  Result<int64_t> add_seat(const SeatRow& s) override;
  Status end_seat(int64_t id, const std::string& end_day) override;
  Status remove_seat(int64_t id) override;
  Result<std::vector<SeatRow>> load_seats() override;
  // Single sign-on: sqlite_sso.cpp.
  Status add_sso_login(const SsoLogin& login, int64_t purge_before_ms) override;
  Result<std::optional<SsoLogin>> take_sso_login(const std::string& state_hash) override;
  Status add_sso_session(const SsoSession& session) override;
  Result<std::optional<SsoSession>> find_sso_session(const std::string& id_hash,
                                                     int64_t now_ms) override;
  Status end_sso_session(const std::string& id_hash) override;
  // People: sqlite_people.cpp.
  Result<PeopleRows> load_people() override;
  Status edit_people(const PeopleEdit& edit) override;
  Status append_audit(const AuditEvent& event) override;
  Result<std::vector<AuditEvent>> list_audit(const AuditQuery& query) override;
  // Provider usage: sqlite_providers.cpp.
  Status replace_provider_days(const std::vector<ProviderDay>& days,
                               const std::optional<ProviderCursor>& cursor,
                               const std::string& origin, int64_t at_ms) override;
  Result<std::vector<ProviderUsageRow>> load_provider_rows(const std::string& since_day,
                                                           const std::string& until_day) override;
  Result<std::vector<ProviderDayInfo>> load_provider_days(const std::string& since_day,
                                                          const std::string& until_day) override;
  Result<std::optional<ProviderCursor>> provider_cursor(ProviderSource source) override;

 private:
  // The rows `sql` selects with `first` and `second` bound, on the reader,
  // each read by `read` (sqlite_providers.cpp).
  template <class T>
  Result<std::vector<T>> reader_rows(const char* sql, const std::string& first,
                                     const std::string& second, Result<T> (*read)(const RowView&));
  // After a storage fault (storage_faults() changed since the connections
  // were opened, or the last reopening failed): closes every connection and
  // opens them again, at most once a second (sqlite_reopen.cpp). Called
  // first by every member that reads or writes, with no lock held.
  Status heal();
  void close_connections();  // with mu_, reader_mu_ and report_mu_ held
  // Every prepared statement of the writer and the reader.
  std::vector<sql::Statement*> statements();

  // One batch inside the open transaction.
  Result<IngestResult> ingest_one(const std::string& author, const proto::DecodedBatch& batch);
  Result<std::optional<IngestResult>> stored_outcome(const std::string& author,
                                                     const std::string& batch_id);
  // What the store holds of an author's UTC day (author_day_limit.hpp).
  Result<int64_t> day_tokens(const std::string& author, int64_t day_ms,
                             const std::vector<std::string>* excluding);
  // The row and revision of the author's record with this uid, if stored.
  struct StoredRow {
    int64_t row = 0, revision = 0;
  };
  Result<std::optional<StoredRow>> find_record(const std::string& author, const std::string& uid);
  // Adds the current batch's day_deltas_ to author_day_tokens.
  Status add_day_deltas(const std::string& author);
  Result<RecordOutcome::Kind> store_record(const std::string& author, const std::string& device_id,
                                           const proto::WireRecord& wr, int64_t now_ms);
  // Stores, replaces or keeps the copy of the commit (commit_trust.hpp);
  // `sender`: who `author` commits as, read once per batch (identities).
  Result<CommitStored> store_commit(const std::string& author, const Identities& sender,
                                    const std::string& device_id, const CommitRecord& sent,
                                    int64_t now_ms);
  // Who `author` commits as: the author and, from the people directory, the
  // emails of the person it is (commit_trust.hpp).
  Result<Identities> identities(const std::string& author);
  Result<std::optional<PushedAuthor>> pushed_author(const CommitRecord& c);
  Result<std::optional<StoredCopy>> stored_copy(const CommitRecord& c);
  Status save_outcome(const std::string& author, const proto::DecodedBatch& batch,
                      const IngestResult& r, int64_t now_ms);

  std::string path_;
  std::mutex heal_mu_;                                     // one reopening at a time
  std::atomic<bool> healthy_{true};                        // false after a reopening failed
  std::atomic<uint64_t> opened_sigbus_{0}, opened_io_{0};  // storage_faults() when opened
  int64_t last_heal_ms_ = 0;                               // with heal_mu_ held
  std::mutex mu_;  // the writing connection: calls serialize
  sql::Database db_;
  std::mutex reader_mu_;  // authentication and sizes: never waits for a commit (WAL)
  sql::Database reader_;
  sql::Statement reader_select_token_;
  std::mutex report_mu_;  // reports: long reads on their own connection
  std::optional<sql::Database> report_db_;
  Status open_report_db();  // with report_mu_ held
  std::unique_ptr<Checkpointer> checkpointer_;
  UidIndex uids_;  // uid_key -> row ids of every stored record
  // Rows added to uids_ by the current batch and group, undone on rollback.
  std::vector<std::pair<uint64_t, int64_t>> batch_added_, group_added_;
  std::vector<int64_t> candidates_;
  // The follower of usage changes, and the changes of the current batch and group.
  UsageListener listener_;
  std::atomic<bool> scanning_{false};  // follow_usage's snapshot scan is running
  std::vector<UsageChange> batch_changes_, group_changes_;
  sql::Statement insert_token_, select_token_, select_tokens_, revoke_token_;
  sql::Statement select_batch_, select_rejections_, insert_batch_, insert_rejection_;
  sql::Statement select_identity_, insert_record_, replace_record_, select_usage_fact_;
  sql::Statement select_commit_rejections_, insert_commit_rejection_;
  sql::Statement insert_commit_, insert_commit_file_, insert_commit_rework_;
  sql::Statement select_commit_copy_, select_pushed_author_;
  sql::Statement delete_commit_files_, delete_commit_reworks_, delete_commit_;
  sql::Statement update_commit_file_survival_;
  sql::Statement select_author_day_, add_author_day_, select_record_day_tokens_;
  // The current batch's changes to author_day_tokens, by UTC day.
  struct DayDelta {
    int64_t tokens = 0, records = 0, revisions = 0;
  };
  std::map<int64_t, DayDelta> day_deltas_;
};

}  // namespace codepulse::collector::sqlite_store
