// The PostgreSQL store's people directory: read from one snapshot on a
// pooled connection; each edit worked out from the whole stored directory
// and rewritten in one transaction on the writer, the tables locked against
// another collector's change meanwhile (people_io.hpp).
#include "collector/store/people_io.hpp"
#include "collector/store/postgres/pg_store_internal.hpp"

namespace codepulse::collector::pg_store {
namespace {

Result<PeopleRows> read_all(pg::Connection& conn) {
  return read_people_with([&conn](const char* sql, const std::function<void(const RowView&)>& row) {
    return each_row(conn, sql, {}, row);
  });
}

PeopleExec exec_on(pg::Connection& conn) {
  return [&conn](const char* sql, const std::vector<PeopleValue>& params) {
    pg::Params p;
    for (const PeopleValue& v : params) {
      if (const auto* n = std::get_if<int64_t>(&v))
        p.add(*n);
      else
        p.add(std::get<std::string>(v));
    }
    auto r = conn.query(sql, p);
    return r ? Status{} : Status(r.error());
  };
}

}  // namespace

Result<PeopleRows> PostgresStore::load_people() {
  auto conn = pool_.lease();
  if (!conn) return conn.error();
  PeopleRows d;
  auto s = in_snapshot(**conn, [&]() -> Status {
    auto read = read_all(**conn);
    if (!read) return read.error();
    d = std::move(read).value();
    return {};
  });
  if (!s) return s.error();
  return d;
}

Status PostgresStore::edit_people(const PeopleEdit& edit) {
  std::lock_guard lock(writer_mu_);
  if (auto s = writer_.exec("BEGIN"); !s) return s;
  auto run = [&]() -> Status {
    if (auto s = writer_.exec(
            "LOCK TABLE people, people_aliases, people_teams, people_memberships, people_levels,"
            " people_level_order IN SHARE ROW EXCLUSIVE MODE");
        !s)
      return s;
    auto stored = read_all(writer_);
    if (!stored) return stored.error();
    PeopleRows d = std::move(stored).value();
    const PeopleRows before = d;
    if (auto s = edit(d); !s) return s;
    keep_scim_ids(before, d);
    assign_team_ids(d);
    normalize_people(d);
    if (auto s = check_people(d); !s) return s;
    if (auto s = write_people_with(d, exec_on(writer_)); !s) return s;
    if (auto s = follow_team_renames_with(before, d, exec_on(writer_)); !s) return s;
    return writer_.exec("COMMIT");
  };
  auto s = run();
  if (!s) (void)writer_.exec("ROLLBACK");
  return s;
}

}  // namespace codepulse::collector::pg_store
