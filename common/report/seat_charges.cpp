// Seats' monthly charges and their lookup by holder, assistant and month
// (seat_charges.hpp).
#include "common/report/seat_charges.hpp"

#include <algorithm>

#include "common/ascii.hpp"
#include "common/report/attribution.hpp"
#include "common/time.hpp"

namespace codepulse::report {

int64_t month_index(int64_t day) {
  const CivilDate d = civil_from_days(day);
  return static_cast<int64_t>(d.year) * 12 + static_cast<int64_t>(d.month) - 1;
}

int64_t month_first_day(int64_t month) {
  const int64_t year = month >= 0 ? month / 12 : (month - 11) / 12;
  const auto m = static_cast<unsigned>(month - year * 12 + 1);
  return days_from_civil(CivilDate{static_cast<int>(year), m, 1});
}

int64_t month_day_count(int64_t month) {
  return month_first_day(month + 1) - month_first_day(month);
}

std::string month_key(int64_t month) {
  return format_date(civil_from_days(month_first_day(month))).substr(0, 7);
}

SeatMonth seat_month(const SeatTerm& seat, int64_t month) {
  SeatMonth out;
  out.seat = &seat;
  out.month = month;
  const int64_t first = month_first_day(month);
  out.days_in_month = month_day_count(month);
  const int64_t last = first + out.days_in_month - 1;
  const int64_t from = std::max(first, seat.start_day), to = std::min(last, seat.end_day);
  out.days_held = to >= from ? to - from + 1 : 0;
  if (out.days_held == out.days_in_month) {
    out.charge_nanos = seat.monthly_nanos;
  } else {
    // Half up: (2 * price * held + days) / (2 * days), in 128 bits.
    const Wide num = Wide{2} * seat.monthly_nanos * out.days_held + out.days_in_month;
    out.charge_nanos = static_cast<int64_t>(num / (Wide{2} * out.days_in_month));
  }
  return out;
}

std::string seat_key(std::string_view author, std::string_view assistant, int64_t month) {
  std::string key = ascii_lower(author);
  key += '\n';
  key += assistant;
  key += '\n';
  key += month_key(month);
  return key;
}

SeatCharges::SeatCharges(std::vector<SeatTerm> seats) : seats_(std::move(seats)) {
  std::sort(seats_.begin(), seats_.end(),
            [](const SeatTerm& a, const SeatTerm& b) { return a.id < b.id; });
  for (size_t i = 0; i < seats_.size(); ++i)
    by_holder_[ascii_lower(seats_[i].assignee)].push_back(i);
}

bool SeatCharges::holds_any(std::string_view author) const {
  return by_holder_.find(ascii_lower(author)) != by_holder_.end();
}

int64_t SeatCharges::charge(std::string_view author, std::string_view assistant,
                            int64_t month) const {
  const auto it = by_holder_.find(ascii_lower(author));
  if (it == by_holder_.end()) return -1;
  int64_t total = -1;
  for (size_t i : it->second) {
    const SeatTerm& s = seats_[i];
    if (s.assistant != assistant) continue;
    const SeatMonth m = seat_month(s, month);
    if (m.days_held == 0) continue;
    total = (total < 0 ? 0 : total) + m.charge_nanos;
  }
  return total;
}

std::vector<SeatMonth> SeatCharges::months(int64_t first_month, int64_t last_month) const {
  std::vector<SeatMonth> out;
  for (const SeatTerm& s : seats_) {
    const int64_t from = std::max(first_month, month_index(s.start_day));
    const int64_t to =
        s.end_day == kOpenEnd ? last_month : std::min(last_month, month_index(s.end_day));
    for (int64_t m = from; m <= to; ++m) {
      SeatMonth sm = seat_month(s, m);
      if (sm.days_held > 0) out.push_back(sm);
    }
  }
  return out;
}

}  // namespace codepulse::report
