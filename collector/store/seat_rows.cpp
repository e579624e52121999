// What every store makes of seats: the checks before a seat is stored, the
// rows read back, and the seats as reports spread them (seat_rows.hpp).
#include "collector/store/seat_rows.hpp"

#include <algorithm>

#include "collector/store/provider_rows.hpp"
#include "common/ascii.hpp"
#include "common/text_controls.hpp"
#include "common/utf8.hpp"

namespace codepulse::collector {
namespace {

bool plain(std::string_view s, size_t max) {
  return !s.empty() && s.size() <= max && find_control_character(s) == std::string_view::npos &&
         replace_invalid_utf8(s) == s;
}

int64_t day_number(std::string_view day) {
  return *day_start_ms(day) / 86'400'000;
}

std::string seat_name(const SeatRow& s) {
  return "seat " + std::to_string(s.id) + " (" + s.plan + " of " + s.assignee + ", " + s.start_day +
         " to " + (s.end_day.empty() ? "open" : s.end_day) + ")";
}

}  // namespace

Result<int64_t> parse_seat_price(std::string_view text) {
  std::string_view t = text;
  if (!t.empty() && t[0] == '$') t.remove_prefix(1);
  if (!t.empty() && t[0] == '-')
    return make_error("the monthly price must be 0 or more, got '" +
                      replace_control_characters(text) + "'");
  int64_t whole = 0, fraction = 0;
  int decimals = 0, digits = 0;
  bool point = false;
  for (char c : t) {
    if (c == '.' && !point) {
      point = true;
      continue;
    }
    if (c < '0' || c > '9' || (point && decimals == 9) || (!point && digits == 7))
      return make_error(
          "the monthly price must be dollars like 200 or 39.99 (at most $1,000,000, "
          "9 decimals), got '" +
          replace_control_characters(text) + "'");
    if (point) {
      fraction = fraction * 10 + (c - '0');
      ++decimals;
    } else {
      whole = whole * 10 + (c - '0');
      ++digits;
    }
  }
  if (digits == 0 && decimals == 0)
    return make_error("the monthly price must be dollars like 200 or 39.99, got '" +
                      replace_control_characters(text) + "'");
  for (int i = decimals; i < 9; ++i)
    fraction *= 10;
  const int64_t nanos = whole * 1'000'000'000 + fraction;
  if (nanos > kMaxSeatMonthlyNanos)
    return make_error("the monthly price must be at most $1,000,000, got '" +
                      replace_control_characters(text) + "'");
  return nanos;
}

Status check_seat(const SeatRow& s) {
  if (!plain(s.plan, kMaxSeatName))
    return make_error(
        "a seat needs a plan (like claude-max-20x) of at most 128 bytes, without "
        "control characters");
  if (!plain(s.assistant, kMaxSeatName))
    return make_error(
        "a seat needs the assistant it covers (like claude-code, copilot) of at most "
        "128 bytes, without control characters");
  if (!plain(s.assignee, kMaxProviderText) || s.assignee.find('@') == std::string::npos ||
      s.assignee.find(' ') != std::string::npos)
    return make_error(
        "a seat's assignee must be the holder's email (as their records name them), "
        "got '" +
        replace_control_characters(s.assignee) + "'");
  if (s.note.size() > kMaxSeatNote || replace_invalid_utf8(s.note) != s.note)
    return make_error("a seat's note must be UTF-8 of at most 1000 bytes");
  if (s.monthly_nanos < 0) return make_error("the monthly price must be 0 or more");
  if (s.monthly_nanos > kMaxSeatMonthlyNanos)
    return make_error("the monthly price must be at most $1,000,000");
  if (!valid_day(s.start_day))
    return make_error("the start date must be a date (YYYY-MM-DD), got '" +
                      replace_control_characters(s.start_day) + "'");
  if (!s.end_day.empty()) {
    if (!valid_day(s.end_day))
      return make_error("the end date must be a date (YYYY-MM-DD), got '" +
                        replace_control_characters(s.end_day) + "'");
    if (s.end_day < s.start_day)
      return make_error("the end date " + s.end_day + " is before the start date " + s.start_day);
  }
  return {};
}

Status check_seat_among(const SeatRow& s, const std::vector<SeatRow>& others) {
  if (auto ok = check_seat(s); !ok) return ok;
  const std::string holder = ascii_lower(s.assignee);
  // Days compare as text: "YYYY-MM-DD" sorts as the dates do; "" is open.
  auto ends_before = [](const std::string& end, const std::string& start) {
    return !end.empty() && end < start;
  };
  for (const SeatRow& o : others) {
    if (o.id == s.id || o.plan != s.plan || ascii_lower(o.assignee) != holder) continue;
    if (ends_before(s.end_day, o.start_day) || ends_before(o.end_day, s.start_day)) continue;
    return make_error(s.assignee + " already holds a " + s.plan + " seat on these dates: " +
                      seat_name(o) + "; end it first (seats end) or pick other dates");
  }
  return {};
}

Result<SeatRow> seat_to_add(const SeatRow& s, const std::vector<SeatRow>& stored) {
  SeatRow row = s;
  row.assignee = ascii_lower(s.assignee);
  row.id = 1;
  for (const SeatRow& o : stored)
    row.id = std::max(row.id, o.id + 1);
  if (auto ok = check_seat_among(row, stored); !ok) return ok.error();
  return row;
}

Result<SeatRow> seat_to_end(int64_t id, const std::string& end_day,
                            const std::vector<SeatRow>& stored) {
  for (const SeatRow& o : stored) {
    if (o.id != id) continue;
    SeatRow row = o;
    row.end_day = end_day;
    if (end_day.empty()) return make_error("seats end needs the last day held (YYYY-MM-DD)");
    if (auto ok = check_seat_among(row, stored); !ok) return ok.error();
    return row;
  }
  return no_seat(id).error();
}

Status no_seat(int64_t id) {
  return make_error("no seat " + std::to_string(id) +
                    " (codepulse-collector seats list shows them)");
}

Result<SeatRow> read_seat(const RowView& row) {
  SeatRow s;
  s.id = row.int64(0);
  s.plan = std::string(row.text(1));
  s.assistant = std::string(row.text(2));
  s.assignee = std::string(row.text(3));
  s.monthly_nanos = row.int64(4);
  s.start_day = std::string(row.text(5));
  s.end_day = std::string(row.text(6));
  s.note = std::string(row.text(7));
  s.created_by = std::string(row.text(8));
  s.created_ms = row.int64(9);
  if (!valid_day(s.start_day) || (!s.end_day.empty() && !valid_day(s.end_day)))
    return make_error("seat " + std::to_string(s.id) + " has a stored date that is not a date");
  return s;
}

std::shared_ptr<const report::SeatCharges> seat_charges(const std::vector<SeatRow>& seats) {
  std::vector<report::SeatTerm> terms;
  terms.reserve(seats.size());
  for (const SeatRow& s : seats) {
    report::SeatTerm t;
    t.id = s.id;
    t.plan = s.plan;
    t.assistant = s.assistant;
    t.assignee = s.assignee;
    t.monthly_nanos = s.monthly_nanos;
    t.start_day = day_number(s.start_day);
    t.end_day = s.end_day.empty() ? report::kOpenEnd : day_number(s.end_day);
    terms.push_back(std::move(t));
  }
  return std::make_shared<const report::SeatCharges>(std::move(terms));
}

}  // namespace codepulse::collector
