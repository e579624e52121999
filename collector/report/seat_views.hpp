// Seats shown to people: the JSON the CLI and the admin API answer with, and
// the rows of the CLI's table (docs/METRICS.md, "Effective cost").
#pragma once

#include <string>
#include <vector>

#include "collector/store/seat_rows.hpp"

namespace codepulse::collector {

// {"id", "plan", "assistant", "assignee", "monthly_usd", "monthly_nanos",
//  "start", "end" (null while held), "note", "created_by", "created_at"}
std::string seat_json(const SeatRow& s);
// {"seats": [seat_json...]}
std::string seats_json(const std::vector<SeatRow>& seats);
// A header row, then one row per seat (cli_table.hpp renders them).
std::vector<std::vector<std::string>> seats_table(const std::vector<SeatRow>& seats);

}  // namespace codepulse::collector
