// The PostgreSQL store's audit log (audit_rows.hpp) and its SCIM tokens'
// hashes, each on a pooled connection.
#include <algorithm>

#include "collector/store/audit_sql.hpp"
#include "collector/store/postgres/pg_store_internal.hpp"
#include "collector/store/stored_rows.hpp"

namespace codepulse::collector::pg_store {

Status PostgresStore::append_audit(const AuditEvent& event) {
  const AuditEvent e = clean_audit_event(event);
  pg::Params p;
  p.add(e.at_ms).add(e.actor).add(e.action).add(e.target).add(e.detail);
  auto conn = pool_.lease();
  if (!conn) return conn.error();
  auto done = (*conn)->query(audit_sql::kInsert, p);
  return done ? Status{} : Status(done.error());
}

Result<std::vector<AuditEvent>> PostgresStore::list_audit(const AuditQuery& query) {
  pg::Params p;
  p.add(query.since_ms).add(query.until_ms);
  auto conn = pool_.lease();
  if (!conn) return conn.error();
  std::vector<AuditEvent> out;
  auto s = each_row(**conn, audit_sql::kSelectRange, p, [&](const RowView& row) {
    if (out.size() >= query.limit || !audit_actor_matches(query, row.text(2))) return;
    out.push_back(read_audit_event(row));
  });
  if (!s) return s.error();
  std::reverse(out.begin(), out.end());
  return out;
}

Result<std::vector<std::pair<TokenInfo, std::string>>> PostgresStore::scim_tokens() {
  auto conn = pool_.lease();
  if (!conn) return conn.error();
  std::vector<std::pair<TokenInfo, std::string>> out;
  Status failed;
  auto s = each_row(
      **conn,
      "SELECT id, author, role, created_ms, revoked_ms, label, token_hash FROM collector_tokens"
      " WHERE role = 'scim' AND revoked_ms IS NULL ORDER BY id",
      {}, [&](const RowView& row) {
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

}  // namespace codepulse::collector::pg_store
