// The audit log as `codepulse-collector audit list|export` and
// GET /v1/admin/audit show it: JSON ({"events": [{"id", "at", "actor",
// "action", "target", "detail"}]}) and CSV (a header, then one row per
// event), the same events in both, oldest first.
#pragma once

#include <string>
#include <vector>

#include "collector/store/audit_rows.hpp"

namespace codepulse::collector {

std::string audit_json(const std::vector<AuditEvent>& events);
std::string audit_csv(const std::vector<AuditEvent>& events);

}  // namespace codepulse::collector
