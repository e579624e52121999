// The seats' JSON and table rows (seat_views.hpp).
#include "collector/report/seat_views.hpp"

#include "common/json_writer.hpp"
#include "common/pricing/usd.hpp"
#include "common/time.hpp"

namespace codepulse::collector {
namespace {

void write_seat(JsonWriter& w, const SeatRow& s) {
  w.begin_object()
      .field("id", s.id)
      .field("plan", s.plan)
      .field("assistant", s.assistant)
      .field("assignee", s.assignee);
  w.key("monthly_usd").raw_number(format_usd(s.monthly_nanos, 2));
  w.field("monthly_nanos", s.monthly_nanos).field("start", s.start_day);
  if (s.end_day.empty())
    w.key("end").null();
  else
    w.field("end", s.end_day);
  w.field("note", s.note)
      .field("created_by", s.created_by)
      .field("created_at", format_iso8601_utc_ms(s.created_ms))
      .end_object();
}

}  // namespace

std::string seat_json(const SeatRow& s) {
  std::string out;
  JsonWriter w(out);
  write_seat(w, s);
  return out;
}

std::string seats_json(const std::vector<SeatRow>& seats) {
  std::string out;
  JsonWriter w(out);
  w.begin_object().key("seats").begin_array();
  for (const SeatRow& s : seats)
    write_seat(w, s);
  w.end_array().end_object();
  return out;
}

std::vector<std::vector<std::string>> seats_table(const std::vector<SeatRow>& seats) {
  std::vector<std::vector<std::string>> rows = {
      {"ID", "PLAN", "ASSISTANT", "ASSIGNEE", "MONTHLY", "START", "END", "NOTE"}};
  for (const SeatRow& s : seats)
    rows.push_back({std::to_string(s.id), s.plan, s.assistant, s.assignee,
                    "$" + format_usd(s.monthly_nanos, 2), s.start_day,
                    s.end_day.empty() ? "-" : s.end_day, s.note});
  return rows;
}

}  // namespace codepulse::collector
