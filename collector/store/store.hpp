// The collector's storage: ingested batches, usage records and API tokens,
// behind one interface that the embedded SQLite store (sqlite/) and the
// PostgreSQL store (postgres/) implement. No SQL dialect detail lives here.
//
// Record identity: a record's uid is a SHA-256 of the request's message id and
// request id (proto/README.md), so it is globally unique; records are keyed by
// (author, uid), so a token of one author can never overwrite, or shadow, a
// record of another. The same request arriving from two devices of one author
// (a shared home folder) is therefore stored once.
//
// Implementations are safe to call from several threads: writes serialize,
// authentication has its own connection so it never waits for a commit.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "collector/store/alert_rows.hpp"
#include "collector/store/audit_rows.hpp"
#include "collector/store/budget_rows.hpp"
#include "collector/store/delivery_rows.hpp"
#include "collector/store/people_rows.hpp"
#include "collector/store/price_rows.hpp"
#include "collector/store/provider_rows.hpp"
#include "collector/store/seat_rows.hpp"
#include "collector/store/sso_rows.hpp"
#include "collector/store/webhook_event.hpp"
#include "common/report/outcome_facts.hpp"
#include "common/report/report.hpp"
#include "common/report/usage_cube.hpp"
#include "common/result.hpp"
#include "proto/wire_batch.hpp"

namespace codepulse::collector {

// kFinance is a role of single sign-on sessions only (groups mapped by
// oidc_finance_groups); it reads what a viewer reads. Tokens are never finance.
// kScim is a token kind of its own (docs/SCIM.md): authenticate() never
// returns one, so it opens no other route; only scim_tokens() lists them for
// the SCIM endpoints.
enum class Role { kTracker, kViewer, kAdmin, kFinance, kScim };

// "tracker", "viewer", "admin", "finance"; parse_role is the inverse (nullopt otherwise).
const char* role_name(Role role);
std::optional<Role> parse_role(std::string_view name);

struct TokenInfo {
  int64_t id = 0;
  std::string author;
  Role role = Role::kTracker;
  int64_t created_ms = 0;
  std::optional<int64_t> revoked_ms;
  std::string label;
  // The scope of access (common/report/access_scope.hpp, docs/ACCESS.md):
  // "org" unless the token was made with another.
  std::string scope = "org";
};

struct RecordOutcome {
  size_t index = 0;  // position of the record in the batch as sent
  std::string uid;   // empty when it could not be read
  enum Kind { kNew, kDuplicate, kReplaced, kStale, kRejected } kind = kRejected;
  std::string reason;  // for kRejected
};

// A commit of a batch that was not stored, and why.
struct CommitRejection {
  size_t index = 0;    // position in the batch's commits as sent
  std::string sha;     // when it could be read
  std::string reason;  // which field and what is wrong with it
};

struct IngestResult {
  bool batch_seen_before = false;
  int64_t records_new = 0, duplicates = 0, replaced = 0, stale = 0, rejected = 0;
  std::vector<RecordOutcome> rejections;  // the rejected records, by index
  // Commits (optional in a batch): new ones stored, ones stored before (by
  // anyone: a commit is keyed by repo and sha), rejected ones with reasons.
  int64_t commits_new = 0, commits_duplicate = 0, commits_rejected = 0;
  std::vector<CommitRejection> commit_rejections;  // by index
};

// One batch of a group commit: the author comes from the caller's token.
struct IngestRequest {
  std::string author_from_token;
  const proto::DecodedBatch* batch = nullptr;
};

// A record as a commit changed it, for the live report cube: the version a
// replacement took out (before), the version now stored (after), or both.
struct UsageChange {
  std::optional<report::UsageFact> before;
  std::optional<report::UsageFact> after;
};
// How many records a UTC day holds and the sum of their revisions, kept by
// ingest (author_day_tokens): what the analytics export compares with
// ClickHouse without reading the records.
struct UsageDayCount {
  int64_t day_ms = 0;  // the UTC day's start
  int64_t records = 0;
  int64_t revisions = 0;
};
// What one device's tracker has sent, from the stored batches, for the
// dashboard's health view.
struct DeviceActivity {
  std::string author, device_id;
  std::string tracker_version;  // of its latest batch
  int64_t first_received_ms = 0, last_received_ms = 0;
  int64_t batches = 0;
  int64_t records_sent = 0, records_new = 0, records_rejected = 0;
  int64_t batches_with_rejections = 0;
};

// The store's generation (docs/OPERATIONS.md, "Backups"): a random id made
// with the database and made anew whenever the database is put back from a
// backup. Trackers remember the id they last saw; another id tells them the
// collector may have lost what they shipped since backup_ms, and they send
// it again (records and commits are stored once, so nothing doubles).
struct StoreGeneration {
  std::string id;                    // 32 lowercase hex digits
  int64_t since_ms = 0;              // when this id was made
  std::optional<int64_t> backup_ms;  // the backup this store was restored from, when known
  bool backup_copy = false;          // a copy `backup` made and nothing served yet
};

using UsageScan = std::function<bool(const report::UsageFact&)>;  // false: stop
// An edit of the whole people directory (Store::edit_people); an error
// leaves the store as it was.
using PeopleEdit = std::function<Status(PeopleRows&)>;
using UsageListener = std::function<void(std::vector<UsageChange>&&)>;

class Store {
 public:
  virtual ~Store() = default;

  // Group commit: every request is applied as ingest() would, each all or
  // nothing on its own, and ONE durable commit covers them all. Results come
  // in request order; when the commit fails every result is that error.
  virtual std::vector<Result<IngestResult>> ingest_many(
      const std::vector<IngestRequest>& requests) = 0;

  // Stores a decoded batch in ONE transaction, committed durably before
  // returning. The author comes from the token (author_from_token), never from
  // the payload; the device id from the header.
  // Idempotent: a batch_id seen before from the same author changes nothing
  // and returns the outcome stored the first time, with batch_seen_before.
  // A record uid seen before (for this author): same revision -> duplicate;
  // higher revision -> replaced; lower -> stale (the stored one is kept).
  // Records the decoder rejected (DecodedBatch::rejected) are counted as
  // rejected with their reasons; so is a record with an empty uid.
  // Commits (DecodedBatch::commits) are keyed by (repo, sha) across authors;
  // a commit the token's author neither wrote nor committed is refused, and
  // of two copies the more trusted one is kept (commit_trust.hpp), any other
  // is a duplicate; the decoder's rejected_commits, and a commit without
  // repo or sha, are commit rejections.
  Result<IngestResult> ingest(const std::string& author_from_token,
                              const proto::DecodedBatch& batch) {
    auto results = ingest_many({IngestRequest{author_from_token, &batch}});
    return std::move(results.front());
  }

  // Tokens: only a SHA-256 hash of a token is stored. create_token returns the
  // plain token ("cpt_" + 43 base64url characters), which is shown once.
  // `scope`: the token's scope of access as text ("org", "team:NAME", ...),
  // checked by the caller against the people directory.
  virtual Result<std::string> create_token(const std::string& author, Role role,
                                           const std::string& label,
                                           const std::string& scope = "org") = 0;
  // nullopt: unknown or revoked token, or a SCIM token (Role::kScim).
  virtual Result<std::optional<TokenInfo>> authenticate(std::string_view token) = 0;
  // The live (unrevoked) SCIM tokens with their SHA-256 hashes (hex), by id:
  // the SCIM endpoints compare a caller's hash with each in constant time.
  virtual Result<std::vector<std::pair<TokenInfo, std::string>>> scim_tokens() = 0;
  virtual Result<std::vector<TokenInfo>> list_tokens() = 0;  // by id
  // Revoking a revoked token keeps its first revocation time; an unknown id
  // is an error.
  virtual Status revoke_token(int64_t id) = 0;

  // Live usage for an in-memory report cube: `scan` gets every stored record
  // from one snapshot (on the caller's thread), and from that snapshot on
  // `listener` gets, after each durable commit and on the writer's thread
  // (so it must be quick), the records the commit added or replaced: none
  // missed, none twice. One follower at a time: following again moves it to
  // a new snapshot (a re-price builds a new cube so), every commit before that
  // snapshot going to the old listener and every later one to the new; when
  // the scan fails nothing is followed any more. unfollow_usage() ends it.
  // An empty `scan` reads nothing: the follow starts at the snapshot (the
  // analytics export, which finds what it lacks by comparing days).
  virtual Status follow_usage(const UsageScan& scan, UsageListener listener) = 0;
  virtual void unfollow_usage() = 0;
  // Brings the follower up to date with the commits of other writers (several
  // collectors on one database): when it returns, every commit made anywhere
  // before the call has reached the listener. Nothing to do where this
  // process is the only writer.
  virtual Status sync_usage() { return {}; }

  // Reports off the live cube: from ONE snapshot, the epic of every task into
  // `epics`, then every record whose timestamp is in [since_ms, until_ms)
  // into `scan` (which returns false to stop: an error).
  virtual Status read_usage(int64_t since_ms, int64_t until_ms, bool with_tools,
                            report::EpicMap& epics, const UsageScan& scan) = 0;
  // The records with these row ids (UsageFact::record_id), with their tool
  // calls, by id; ids not stored are skipped. What the analytics store sends
  // again when their models' prices change.
  virtual Status read_usage_by_ids(const std::vector<int64_t>& ids, const UsageScan& scan) = 0;
  virtual Result<report::EpicMap> load_epics() = 0;
  // The UTC days whose start is in [since_ms, until_ms) that hold records,
  // by day, each with its record count and sum of revisions.
  virtual Result<std::vector<UsageDayCount>> usage_days(int64_t since_ms, int64_t until_ms) = 0;
  // From ONE snapshot: the commits whose committer time is in
  // [since_ms, until_ms), by committer time then sha, each with its files and
  // the lines it reworked (in the order sent), and every rework of those
  // commits by any stored commit, with the reworking commit's time.
  virtual Result<report::CommitFacts> load_commits(int64_t since_ms, int64_t until_ms) = 0;
  // Sets tasks as Jira last described them (epic, type, status), in one
  // transaction. An entry no newer than the stored one is ignored, so a
  // replayed or late webhook changes nothing. Returns how many changed.
  virtual Result<int64_t> upsert_tasks(const std::vector<TaskRecord>& tasks) = 0;

  // A GitHub or Bitbucket webhook delivery: claims (source, delivery_id) and
  // applies the event in ONE durable transaction, so a crash keeps both or
  // neither, and a redelivery after a failure applies. A delivery id seen
  // before changes nothing (WebhookOutcome::duplicate). Events merge in any
  // order (webhook_event.hpp; the rules are kUpsertPullRequest's).
  virtual Result<WebhookOutcome> apply_webhook(const WebhookDelivery& delivery) = 0;
  // Every pull request the webhooks described, by repo and number, each field
  // of PullRequestFact filled as webhook_rows::FactBuilder says.
  virtual Result<std::vector<report::PullRequestFact>> load_pull_requests() = 0;
  // From ONE snapshot: every deployment, incident and pushed commit
  // (delivery_rows.hpp), for the delivery metrics (docs/DELIVERY.md).
  virtual Result<DeliveryRows> load_delivery() = 0;

  // Every device that has sent a batch, the most recently heard from first,
  // at most `limit` of them.
  virtual Result<std::vector<DeviceActivity>> device_activity(size_t limit) = 0;

  // Prices (price_rows.hpp). The book in force is the newest imported one
  // (none: the builtin book); an override is active until removed. Callers
  // validate what they store (collector/report/pricing_state.hpp).
  virtual Result<PricingRows> load_pricing() = 0;
  // Cheap: polled to notice another collector's (or the CLI's) change.
  virtual Result<PricingVersion> pricing_version() = 0;
  // Stores `book` (its canonical JSON) as the book in force, with who
  // imported it, when and why; returns its row id.
  virtual Result<int64_t> import_price_book(const PriceBook& book, const std::string& by,
                                            int64_t at_ms, const std::string& note) = 0;
  // Stores an override made by o.created_by at o.created_ms; returns its new
  // id (o.id is not read).
  virtual Result<int64_t> add_price_override(const RateOverride& o) = 0;
  // Ends an active override; it stays in the history with who and when. An
  // unknown or already removed id is an error.
  virtual Status remove_price_override(int64_t id, const std::string& by, int64_t at_ms) = 0;
  // Every import and override change, newest first.
  virtual Result<std::vector<PriceChange>> price_history() = 0;
  // The models of the records in [since_ms, until_ms) that `pricer` has no
  // price for at the records' times, from one snapshot (find_unpriced).
  virtual Result<std::vector<UnpricedModel>> unpriced_models(const Pricer& pricer, int64_t since_ms,
                                                             int64_t until_ms) = 0;

  // Provider usage and cost, imported (provider_rows.hpp). In ONE durable
  // transaction: each day (checked with check_provider_day first) replaces
  // every row stored for its source and day, and is recorded as covered by
  // `origin` at `at_ms`; then the cursor, when given, is set. Any error
  // changes nothing.
  virtual Status replace_provider_days(const std::vector<ProviderDay>& days,
                                       const std::optional<ProviderCursor>& cursor,
                                       const std::string& origin, int64_t at_ms) = 0;
  // The rows and the covered days of the days in [since_day, until_day)
  // ("YYYY-MM-DD"), from one snapshot, each sorted by day, provider, source
  // and key.
  virtual Result<std::vector<ProviderUsageRow>> load_provider_rows(
      const std::string& since_day, const std::string& until_day) = 0;
  virtual Result<std::vector<ProviderDayInfo>> load_provider_days(const std::string& since_day,
                                                                  const std::string& until_day) = 0;
  // Where `source`'s polling resumes; nullopt before its first import.
  virtual Result<std::optional<ProviderCursor>> provider_cursor(ProviderSource source) = 0;

  // Seats (seat_rows.hpp). Adding checks the seat against every stored seat
  // (check_seat_among) in the transaction that stores it, the assignee
  // lower-cased; returns its new id (s.id is not read).
  virtual Result<int64_t> add_seat(const SeatRow& s) = 0;
  // Sets a seat's last day, checked the same way; an unknown id is an error.
  virtual Status end_seat(int64_t id, const std::string& end_day) = 0;
  // Deletes a seat entered by mistake; an unknown id is an error.
  virtual Status remove_seat(int64_t id) = 0;
  // Every seat, by id.
  virtual Result<std::vector<SeatRow>> load_seats() = 0;

  // Single sign-on (sso_rows.hpp). A login begun at the OpenID provider;
  // logins begun before `purge_before_ms` are deleted meanwhile.
  virtual Status add_sso_login(const SsoLogin& login, int64_t purge_before_ms) = 0;
  // The login with this state hash, deleted as it is read (nullopt when
  // unknown or already taken: a replay).
  virtual Result<std::optional<SsoLogin>> take_sso_login(const std::string& state_hash) = 0;
  // A session opened by a login; expired sessions are deleted meanwhile.
  virtual Status add_sso_session(const SsoSession& session) = 0;
  // The session with this id hash unless it expired by `now_ms`.
  virtual Result<std::optional<SsoSession>> find_sso_session(const std::string& id_hash,
                                                             int64_t now_ms) = 0;
  // Logs out; an unknown id is not an error.
  virtual Status end_sso_session(const std::string& id_hash) = 0;
  // Budgets (budget_rows.hpp, docs/BUDGETS.md). Adding checks the budget
  // against every stored budget (check_budget_among: overlaps refused) in the
  // transaction that stores it; returns its new id (b.id is not read).
  virtual Result<int64_t> add_budget(const BudgetRow& b) = 0;
  // Deletes a budget and its overrides; an unknown id is an error.
  virtual Status remove_budget(int64_t id) = 0;
  // Every budget, by id.
  virtual Result<std::vector<BudgetRow>> load_budgets() = 0;
  // Stores an override of a budget (override_to_add checks it as of
  // `now_ms`); returns its id.
  virtual Result<int64_t> add_budget_override(const BudgetOverride& o, int64_t now_ms) = 0;
  // Every override, by id (the ones past their end too).
  virtual Result<std::vector<BudgetOverride>> load_budget_overrides() = 0;
  // The people directory (people_rows.hpp, docs/PEOPLE.md). The whole
  // directory, normalized (normalize_people), from one snapshot; empty in a
  // store from before schema version 15.
  virtual Result<PeopleRows> load_people() = 0;
  // In ONE transaction (PostgreSQL: the people tables locked against
  // another collector meanwhile): reads the directory, runs `edit` on it,
  // normalizes and checks the result (check_people) and stores it whole.
  // Any error (the edit's or the check's) changes nothing. The CSV import,
  // the admin API and SCIM all write through here, with the edits of
  // people_rows.hpp (upsert_person, deactivate_person, upsert_team) or a
  // replacement of the whole.
  virtual Status edit_people(const PeopleEdit& edit) = 0;

  // The audit log (audit_rows.hpp, docs/SECURITY.md "Audit log"): appends
  // one event (its id is not read; at_ms as given), and lists the events of
  // `query`, oldest first.
  virtual Status append_audit(const AuditEvent& event) = 0;
  virtual Result<std::vector<AuditEvent>> list_audit(const AuditQuery& query) = 0;

  // The alert outbox (alert_rows.hpp, docs/ALERTS.md). Enqueues `alert`
  // once for each receiver, insert-if-absent by (dedupe key, receiver): an
  // alert enqueued before, by this or another collector, changes nothing.
  // Returns how many rows were new.
  virtual Result<int64_t> enqueue_alert(const AlertMessage& alert,
                                        const std::vector<std::string>& receivers) = 0;
  // Claims up to `limit` pending rows of `receivers` whose turn has come
  // (next_attempt_ms <= now_ms) and that no live lease holds: each is leased
  // to `owner` until now_ms + lease_ms by a compare-and-set, so of several
  // collectors exactly one gets a row. A lease that runs out (its holder
  // died) frees the row for the next claim. Returns the rows claimed.
  virtual Result<std::vector<AlertDelivery>> claim_alerts(const std::string& owner,
                                                          const std::vector<std::string>& receivers,
                                                          int64_t now_ms, int64_t lease_ms,
                                                          size_t limit) = 0;
  // Ends `owner`'s lease of a row with `finish`; false (nothing changed)
  // when the lease is no longer `owner`'s.
  virtual Result<bool> finish_alert(const std::string& dedupe_key, const std::string& receiver,
                                    const std::string& owner, const AlertFinish& finish) = 0;
  // The outbox, newest alert first, at most `limit` rows.
  virtual Result<std::vector<AlertDelivery>> list_alerts(size_t limit) = 0;

  // The generation in force (made by the schema migration).
  virtual Result<StoreGeneration> generation() = 0;
  // A new id from now on: the database was restored from a backup taken at
  // backup_ms (nullopt: unknown, trackers send all they hold). Clears
  // backup_copy. Returns the new generation.
  virtual Result<StoreGeneration> renew_generation(std::optional<int64_t> backup_ms) = 0;

  virtual Result<int64_t> record_count() = 0;
  // Bytes the store occupies (database and write-ahead log), for /metrics.
  virtual Result<int64_t> size_bytes() = 0;
};

// How the SQLite store looks records up (collector/store/sqlite/sqlite_uid_index.hpp):
// the rows kept in memory before they move to the on-disk index (three
// million: a table of 8 million slots, 64 MiB).
struct SqliteStoreOptions {
  size_t uid_memory_rows = 3'000'000;
};

// Opens the SQLite store at `path`, creating the file (mode 0600) when absent
// and migrating its schema; refuses a schema newer than this build knows.
Result<std::unique_ptr<Store>> open_sqlite_store(const std::string& path,
                                                 const SqliteStoreOptions& options = {});

// Opens the PostgreSQL store a libpq connection URI names
// ("postgresql://user@host:port/db?..."), migrating its schema (one collector
// at a time, under an advisory lock); refuses a schema newer than this build.
Result<std::unique_ptr<Store>> open_postgres_store(const std::string& uri);

// True when `db` names a PostgreSQL database (postgresql:// or postgres://).
bool is_postgres_uri(std::string_view db);
// Either store, by what --db names: a PostgreSQL URI or a SQLite file path.
Result<std::unique_ptr<Store>> open_store(const std::string& db);

}  // namespace codepulse::collector
