// What the store holds for the delivery metrics (docs/DELIVERY.md), the same
// for both stores: deployments and incidents as their events merged them,
// and every pushed commit with what its push said of it. Both stores read
// the rows of delivery_sql.hpp's selects with the readers below; `Row` has
// text(column) and int64(column).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace codepulse::collector {

struct DeploymentRow {
  std::string source, id, repo, environment, sha, ref;
  bool production = false;
  int64_t created_ms = 0;
  std::string state;  // the latest state reported ("" when none was)
  int64_t state_ms = 0;
  int64_t success_ms = 0, failure_ms = 0;  // first success, first failure or error; 0: none
};

struct IncidentRow {
  std::string source, id, repo, environment;
  int64_t started_ms = 0, resolved_ms = 0;
};

struct PushedCommitRow {
  std::string repo, branch, sha;
  int64_t time_ms = 0;
  std::string author_email, parent_sha;
  bool merge = false;
  std::string reverts_sha;
  bool hotfix = false;
  int64_t pushed_ms = 0;
};

struct DeliveryRows {
  std::vector<DeploymentRow> deployments;
  std::vector<IncidentRow> incidents;
  std::vector<PushedCommitRow> pushed;
};

namespace delivery_rows {

template <class Row>
DeploymentRow deployment_of(const Row& row) {
  DeploymentRow d;
  d.source = std::string(row.text(0));
  d.id = std::string(row.text(1));
  d.repo = std::string(row.text(2));
  d.environment = std::string(row.text(3));
  d.sha = std::string(row.text(4));
  d.ref = std::string(row.text(5));
  d.production = row.int64(6) != 0;
  d.created_ms = row.int64(7);
  d.state = std::string(row.text(8));
  d.state_ms = row.int64(9);
  d.success_ms = row.int64(10);
  d.failure_ms = row.int64(11);
  return d;
}

template <class Row>
IncidentRow incident_of(const Row& row) {
  return {std::string(row.text(0)),
          std::string(row.text(1)),
          std::string(row.text(2)),
          std::string(row.text(3)),
          row.int64(4),
          row.int64(5)};
}

template <class Row>
PushedCommitRow pushed_of(const Row& row) {
  PushedCommitRow p;
  p.repo = std::string(row.text(0));
  p.branch = std::string(row.text(1));
  p.sha = std::string(row.text(2));
  p.time_ms = row.int64(3);
  p.author_email = std::string(row.text(4));
  p.parent_sha = std::string(row.text(5));
  p.merge = row.int64(6) != 0;
  p.reverts_sha = std::string(row.text(7));
  p.hotfix = row.int64(8) != 0;
  p.pushed_ms = row.int64(9);
  return p;
}

}  // namespace delivery_rows
}  // namespace codepulse::collector
