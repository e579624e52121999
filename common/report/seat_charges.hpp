// Flat-fee seats as reports see them: each seat's charge per UTC calendar
// month (pro-rated by days), and the charges of one holder's assistant in a
// month, which the cube spreads over that usage as effective cost
// (docs/METRICS.md, "Effective cost").
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace codepulse::report {

// One seat: its plan, the assistant it covers, its holder (an author email,
// compared without case) and its monthly price, held from start_day to
// end_day inclusive (days since 1970-01-01, UTC; open: kOpenEnd).
inline constexpr int64_t kOpenEnd = INT64_MAX;
struct SeatTerm {
  int64_t id = 0;
  std::string plan, assistant, assignee;
  int64_t monthly_nanos = 0;
  int64_t start_day = 0, end_day = kOpenEnd;
  bool operator==(const SeatTerm&) const = default;
};

// Months as a count: (year * 12 + month - 1); 2026-11 is 2026 * 12 + 10.
int64_t month_index(int64_t day);        // of a day since 1970-01-01
int64_t month_first_day(int64_t month);  // its first day
int64_t month_day_count(int64_t month);
std::string month_key(int64_t month);  // "2026-11"

// One seat in one month: what it costs that month.
struct SeatMonth {
  const SeatTerm* seat = nullptr;
  int64_t month = 0;
  int64_t days_held = 0, days_in_month = 0;
  // monthly_nanos * days_held / days_in_month, rounded half up to the nano:
  // a whole month is the price exactly.
  int64_t charge_nanos = 0;
};
SeatMonth seat_month(const SeatTerm& seat, int64_t month);

// A seat month whose charge was spread on no usage (docs/METRICS.md).
struct IdleSeat {
  int64_t seat_id = 0;
  std::string plan, assistant, assignee, month;  // month: "2026-11"
  int64_t charge_nanos = 0;
  bool operator==(const IdleSeat&) const = default;
};

// The seats of an organisation, looked up by (holder, assistant, month).
class SeatCharges {
 public:
  explicit SeatCharges(std::vector<SeatTerm> seats);
  bool empty() const { return seats_.empty(); }
  const std::vector<SeatTerm>& seats() const { return seats_; }
  // Whether `author` (any case) holds any seat.
  bool holds_any(std::string_view author) const;
  // The summed charges of the seats of `author` for `assistant` in `month`;
  // -1 when no seat covers them that month (API-billed usage).
  int64_t charge(std::string_view author, std::string_view assistant, int64_t month) const;
  // The seat months of [first_month, last_month] with a charge (held at
  // least one day), by seat id then month.
  std::vector<SeatMonth> months(int64_t first_month, int64_t last_month) const;

 private:
  std::vector<SeatTerm> seats_;
  std::map<std::string, std::vector<size_t>, std::less<>> by_holder_;  // lower-cased -> seats
};

// The key of a holder's usage of an assistant in a month (lower-cased holder).
std::string seat_key(std::string_view author, std::string_view assistant, int64_t month);

// What effective cost needs beside the cube's own records: the seats, and
// per seat_key the list cost of usage the cube does not hold (a report over
// part of a month still spreads each seat over the whole month's usage).
struct SeatContext {
  std::shared_ptr<const SeatCharges> charges;
  std::map<std::string, int64_t, std::less<>> outside_list_nanos;
  // Of that, the list cost of usage before every record the cube holds (a
  // report's range): spread first, so each group's part is the same as in a
  // cube holding the whole month (cube_effective.cpp).
  std::map<std::string, int64_t, std::less<>> outside_before_nanos;
};

}  // namespace codepulse::report
