// What the tests of seats and effective cost build their months from: a
// record of input tokens only (Opus 4.6 lists them at $5 a million, so 1M is
// $5.00) and a seat row.
#pragma once

#include <cstdint>
#include <string>

#include "collector/store/seat_rows.hpp"
#include "collector/store/store.hpp"
#include "proto/wire_batch.hpp"

namespace codepulse::test {

inline constexpr int64_t kDollarNanos = 1'000'000'000;

proto::WireRecord input_record(const std::string& uid, int64_t ts_ms, int64_t input,
                               const std::string& repo,
                               const std::string& model = "claude-opus-4-6");

// A seat of `plan` for `assistant`, held by `who` at `dollars` a month from
// `start` (to `end`, "" while held), added by "finance".
collector::SeatRow seat_row(const std::string& plan, const std::string& assistant,
                            const std::string& who, int64_t dollars, const std::string& start,
                            const std::string& end = "");

// alice@acme.example's $200 Claude Max seat and dave@acme.example's $19
// Copilot one (both from 2026-10-01), and Anthropic's cost report of
// 2026-11-05: $32 of Opus. False when the store refuses one of them.
bool add_seats_and_opus_cost(collector::Store& store);

}  // namespace codepulse::test
