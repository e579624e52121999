// Seats as the store keeps them (table seats, docs/METRICS.md "Effective
// cost"): flat-fee subscriptions (Claude Max or Team, Copilot, Cursor...)
// with their monthly price, the assistant they cover, their holder and
// their dates; the checks a seat passes before it is stored.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "collector/store/row_view.hpp"
#include "common/report/seat_charges.hpp"
#include "common/result.hpp"

namespace codepulse::collector {

struct SeatRow {
  int64_t id = 0;
  std::string plan;       // "claude-max-20x", "copilot-business", ...
  std::string assistant;  // the assistant dimension's name: "claude-code", "copilot", ...
  std::string assignee;   // the holder's author email, lower-cased when stored
  int64_t monthly_nanos = 0;
  std::string start_day;  // "YYYY-MM-DD", UTC, the first day held
  std::string end_day;    // the last day held; "" while held
  std::string note;
  std::string created_by;
  int64_t created_ms = 0;
  bool operator==(const SeatRow&) const = default;
};

// Bounds a seat is checked against.
inline constexpr int64_t kMaxSeatMonthlyNanos = 1'000'000'000'000'000;  // $1,000,000 a month
inline constexpr size_t kMaxSeatName = 128;
inline constexpr size_t kMaxSeatNote = 1000;

// "200", "200.5", "39.99": dollars with at most 9 decimals, as nano-dollars.
// Errors say what is wrong ("a negative price", "not an amount").
Result<int64_t> parse_seat_price(std::string_view text);

// The seat's own fields: plan, assistant and assignee plain and short (an
// assignee is an email), a note of at most 1000 bytes, a price from $0 to
// $1,000,000 a month, real days with the end (if any) on or after the start.
Status check_seat(const SeatRow& s);
// check_seat, then: no other seat of `others` (its own id aside) has the same
// assignee (any case) and plan on any common day. The error names the seat
// it overlaps and the days.
Status check_seat_among(const SeatRow& s, const std::vector<SeatRow>& others);

// What a store writes, worked out from every seat it holds (`stored`, by
// id) in the writing transaction: a new seat (the next id, the assignee
// lower-cased), or a seat given a last day; each checked by
// check_seat_among. An unknown id is an error ("no seat 7").
Result<SeatRow> seat_to_add(const SeatRow& s, const std::vector<SeatRow>& stored);
Result<SeatRow> seat_to_end(int64_t id, const std::string& end_day,
                            const std::vector<SeatRow>& stored);
Status no_seat(int64_t id);

// Seats as the stores read them (seat_sql.hpp selects this column order).
Result<SeatRow> read_seat(const RowView& row);

// The seats as reports use them (report::SeatCharges).
std::shared_ptr<const report::SeatCharges> seat_charges(const std::vector<SeatRow>& seats);

}  // namespace codepulse::collector
