// The audit log's JSON and CSV (audit_views.hpp).
#include "collector/report/audit_views.hpp"

#include "common/json_writer.hpp"
#include "common/report/output_sinks.hpp"
#include "common/time.hpp"

namespace codepulse::collector {

std::string audit_json(const std::vector<AuditEvent>& events) {
  std::string out;
  JsonWriter w(out);
  w.begin_object().key("events").begin_array();
  for (const AuditEvent& e : events)
    w.begin_object()
        .field("id", e.id)
        .field("at", format_iso8601_utc_ms(e.at_ms))
        .field("actor", e.actor)
        .field("action", e.action)
        .field("target", e.target)
        .field("detail", e.detail)
        .end_object();
  w.end_array().end_object();
  return out;
}

std::string audit_csv(const std::vector<AuditEvent>& events) {
  std::string out = "id,at,actor,action,target,detail\n";
  for (const AuditEvent& e : events) {
    out += std::to_string(e.id) + "," + format_iso8601_utc_ms(e.at_ms) + ",";
    out += report::csv_text_cell(e.actor) + "," + report::csv_text_cell(e.action) + ",";
    out += report::csv_text_cell(e.target) + "," + report::csv_text_cell(e.detail) + "\n";
  }
  return out;
}

}  // namespace codepulse::collector
