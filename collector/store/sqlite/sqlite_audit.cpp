// The SQLite store's audit log (audit_rows.hpp): appended on the writer,
// listed on the reader.
#include <algorithm>

#include "collector/store/audit_sql.hpp"
#include "collector/store/sqlite/sqlite_store_internal.hpp"
#include "collector/store/stored_rows.hpp"

namespace codepulse::collector::sqlite_store {

Status SqliteStore::append_audit(const AuditEvent& event) {
  if (auto ok = heal(); !ok) return ok;
  const AuditEvent e = clean_audit_event(event);
  std::lock_guard lock(mu_);
  auto st = db_.prepare(audit_sql::kInsert);
  if (!st) return st.error();
  st->bind(1, e.at_ms).bind(2, e.actor).bind(3, e.action).bind(4, e.target).bind(5, e.detail);
  return st->run();
}

Result<std::vector<AuditEvent>> SqliteStore::list_audit(const AuditQuery& query) {
  if (auto ok = heal(); !ok) return ok.error();
  std::vector<AuditEvent> out;
  std::lock_guard lock(reader_mu_);
  auto s = each_row(
      reader_, audit_sql::kSelectRange,
      [&](sql::Statement& st) { st.bind(1, query.since_ms).bind(2, query.until_ms); },
      [&](const RowView& row) {
        if (out.size() >= query.limit || !audit_actor_matches(query, row.text(2))) return;
        out.push_back(read_audit_event(row));
      });
  if (!s) return s.error();
  std::reverse(out.begin(), out.end());
  return out;
}

Result<std::vector<std::pair<TokenInfo, std::string>>> SqliteStore::scim_tokens() {
  if (auto ok = heal(); !ok) return ok.error();
  std::vector<std::pair<TokenInfo, std::string>> out;
  Status failed;
  std::lock_guard lock(reader_mu_);
  auto s = each_row(
      reader_,
      "SELECT id, author, role, created_ms, revoked_ms, label, token_hash FROM collector_tokens"
      " WHERE role = 'scim' AND revoked_ms IS NULL ORDER BY id",
      nullptr, [&](const RowView& row) {
        auto info = read_token(row);
        if (!info)
          failed = info.error();
        else
          out.emplace_back(std::move(info).value(), std::string(row.text(6)));
      });
  if (s) s = failed;
  if (!s) return s.error();
  return out;
}

}  // namespace codepulse::collector::sqlite_store
