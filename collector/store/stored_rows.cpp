// The stores' rows of tokens, batch outcomes, device activity and prices, read.
#include "collector/store/stored_rows.hpp"

namespace codepulse::collector {

Result<TokenInfo> read_token(const RowView& row) {
  TokenInfo t;
  t.id = row.int64(0);
  t.author = std::string(row.text(1));
  const auto role = parse_role(row.text(2));
  if (!role)
    return make_error("token " + std::to_string(t.id) + " has an unknown role in the store");
  t.role = *role;
  t.created_ms = row.int64(3);
  t.revoked_ms = row.opt_int64(4);
  t.label = std::string(row.text(5));
  t.scope = std::string(row.text(6));
  return t;
}

IngestResult read_batch_outcome(const RowView& row) {
  IngestResult out;
  out.batch_seen_before = true;
  out.records_new = row.int64(0);
  out.duplicates = row.int64(1);
  out.replaced = row.int64(2);
  out.stale = row.int64(3);
  out.rejected = row.int64(4);
  out.commits_new = row.int64(5);
  out.commits_duplicate = row.int64(6);
  out.commits_rejected = row.int64(7);
  return out;
}

RecordOutcome read_record_rejection(const RowView& row) {
  return {static_cast<size_t>(row.int64(0)), std::string(row.text(1)), RecordOutcome::kRejected,
          std::string(row.text(2))};
}

CommitRejection read_commit_rejection(const RowView& row) {
  return {static_cast<size_t>(row.int64(0)), std::string(row.text(1)), std::string(row.text(2))};
}

DeviceActivity read_device_activity(const RowView& row) {
  DeviceActivity d;
  d.author = std::string(row.text(0));
  d.device_id = std::string(row.text(1));
  d.tracker_version = std::string(row.text(2));
  d.last_received_ms = row.int64(3);
  d.first_received_ms = row.int64(4);
  d.batches = row.int64(5);
  d.records_sent = row.int64(6);
  d.records_new = row.int64(7);
  d.records_rejected = row.int64(8);
  d.batches_with_rejections = row.int64(9);
  return d;
}

StoredBook read_stored_book(const RowView& row) {
  StoredBook b;
  b.id = row.int64(0);
  b.revision = std::string(row.text(1));
  b.digest = std::string(row.text(2));
  b.body = std::string(row.text(3));
  b.imported_by = std::string(row.text(4));
  b.imported_ms = row.int64(5);
  b.note = std::string(row.text(6));
  return b;
}

StoredOverride read_stored_override(const RowView& row) {
  StoredOverride o;
  o.id = row.int64(0);
  o.body = std::string(row.text(1));
  o.created_by = std::string(row.text(2));
  o.created_ms = row.int64(3);
  o.removed_ms = row.opt_int64(5);
  if (o.removed_ms) o.removed_by = std::string(row.text(4));
  return o;
}

ModelUsage read_model_usage(const RowView& row) {
  return {std::string(row.text(0)), row.int64(1), row.int64(2), row.int64(3), row.int64(4)};
}

}  // namespace codepulse::collector
