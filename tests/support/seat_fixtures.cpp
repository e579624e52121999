// Records and seats for the seat tests (seat_fixtures.hpp).
#include "tests/support/seat_fixtures.hpp"

namespace codepulse::test {

proto::WireRecord input_record(const std::string& uid, int64_t ts_ms, int64_t input,
                               const std::string& repo, const std::string& model) {
  proto::WireRecord w;
  w.record_uid = uid;
  w.usage.message_id = "msg_" + uid;
  w.usage.request_id = "req_" + uid;
  w.usage.timestamp_ms = ts_ms;
  w.usage.session_id = "session-" + uid;
  w.usage.model = model;
  w.usage.input = input;
  w.usage.repo = repo;
  return w;
}

collector::SeatRow seat_row(const std::string& plan, const std::string& assistant,
                            const std::string& who, int64_t dollars, const std::string& start,
                            const std::string& end) {
  collector::SeatRow s;
  s.plan = plan;
  s.assistant = assistant;
  s.assignee = who;
  s.monthly_nanos = dollars * kDollarNanos;
  s.start_day = start;
  s.end_day = end;
  s.created_by = "finance";
  s.created_ms = 1'795'000'000'000;
  return s;
}

bool add_seats_and_opus_cost(collector::Store& store) {
  using collector::ProviderSource;
  if (!store.add_seat(
          seat_row("claude-max-20x", "claude-code", "alice@acme.example", 200, "2026-10-01")))
    return false;
  if (!store.add_seat(
          seat_row("copilot-business", "copilot", "dave@acme.example", 19, "2026-10-01")))
    return false;
  collector::ProviderUsageRow cost;
  cost.source = ProviderSource::kAnthropicCost;
  cost.day = "2026-11-05";
  cost.model = "claude-opus-4-6";
  cost.line_item = "Claude Opus 4.6 Usage - Input Tokens";
  cost.cost_nanos = 32 * kDollarNanos;
  return static_cast<bool>(
      store.replace_provider_days({{ProviderSource::kAnthropicCost, "2026-11-05", {cost}}},
                                  std::nullopt, "file cost.json", 1'795'000'000'000));
}

}  // namespace codepulse::test
