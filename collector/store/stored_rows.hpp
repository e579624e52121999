// What the stores' reads of tokens, batch outcomes, device activity and prices make
// of their rows, the same for every store (each store's SQL selects the
// columns listed below, in that order).
#pragma once

#include "collector/store/row_view.hpp"
#include "collector/store/store.hpp"

namespace codepulse::collector {

// id, author, role, created_ms, revoked_ms, label; an unknown role is an error.
Result<TokenInfo> read_token(const RowView& row);

// A batch stored before (batch_seen_before): records_new, duplicates,
// replaced, stale, rejected, commits_new, commits_duplicate, commits_rejected.
IngestResult read_batch_outcome(const RowView& row);
// A rejection of that batch: idx, uid (a record's) or sha (a commit's), reason.
RecordOutcome read_record_rejection(const RowView& row);
CommitRejection read_commit_rejection(const RowView& row);

// author, device_id, tracker_version, last and first received_ms, batches,
// records sent, new and rejected, batches with rejections.
DeviceActivity read_device_activity(const RowView& row);

// Prices (price_sql.hpp): id, revision, digest, body, imported_by,
// imported_ms, note; id, body, created_by, created_ms, removed_by,
// removed_ms; model, requests, tokens, first and last ts_ms.
StoredBook read_stored_book(const RowView& row);
StoredOverride read_stored_override(const RowView& row);
ModelUsage read_model_usage(const RowView& row);

}  // namespace codepulse::collector
