// The shipper's watch on the collector's store generation: asked for when the
// queue is empty and a check is due, adopted from every answer, and what a
// change puts back in the queue, logged.
#include <algorithm>
#include <chrono>

#include "common/time.hpp"
#include "tracker/ship/generation_answer.hpp"
#include "tracker/ship/shipper.hpp"
#include "tracker/ship/token_file.hpp"

namespace codepulse::tracker {
namespace {

constexpr int64_t kGenerationRetryMs = 300'000;  // after a check that got no answer

}  // namespace

bool Shipper::generation_due() const {
  return now_utc_ms() >= next_generation_ms_;
}

void Shipper::check_generation() {
  const int64_t now = now_utc_ms();
  next_generation_ms_ = now + options_.generation_check_ms;
  auto token = read_token_file(options_.token_file);
  if (!token) {
    log_.warn("ship",
              "cannot ask the collector for its store generation: " + token.error().message);
    next_generation_ms_ = now + std::min(kGenerationRetryMs, options_.generation_check_ms);
    arm_generation_timer();
    send();
    return;
  }
  in_flight_ = true;
  client_->send(generation_request(*token), [this, alive = alive_](Result<HttpResponse> r) {
    if (!*alive) return;
    in_flight_ = false;
    if (stopped_) return;
    std::string why;
    if (!r) {
      why = r.error().message;
    } else if (r->status == 404) {
      // A collector older than store generations: its batch answers say so too.
      log_.debug("ship", "the collector has no store generation (an older version)");
    } else if (r->status != 200) {
      why = "answered " + std::to_string(r->status);
    } else if (auto seen = generation_in(r->body); !seen) {
      why = "answered without a generation";
    } else if (auto s = store_.begin(); !s) {
      why = s.error().message;
    } else if (auto change = adopt_collector_generation(store_, *seen); !change) {
      store_.rollback();
      why = change.error().message;
    } else if (auto c = store_.commit(); !c) {
      why = c.error().message;
    } else {
      generation_adopted(*change);
      // A collector with budgets may state them here too: an idle tracker
      // (or a blocked one) learns of an override without shipping a batch.
      simdjson::dom::parser parser;
      simdjson::dom::element doc;
      if (!parser.parse(r->body).get(doc)) take_budgets(doc);
    }
    if (!why.empty()) {
      log_.warn("ship", "cannot learn the collector's store generation: " + why);
      next_generation_ms_ =
          now_utc_ms() + std::min(kGenerationRetryMs, options_.generation_check_ms);
    }
    arm_generation_timer();
    // Records queued meanwhile wait for batch_max_age as usual; a flush, or
    // what a new generation put back, goes at once.
    if (pending_ > 0 && !flushing_) {
      const int64_t again = pending_;
      pending_ = 0;
      records_queued(again);
      return;
    }
    send();
  });
}

// When the queue is quiet, the next check still happens on time.
void Shipper::arm_generation_timer() {
  if (stopped_) return;
  const int64_t wait = std::max<int64_t>(0, next_generation_ms_ - now_utc_ms());
  generation_timer_.expires_after(std::chrono::milliseconds(wait));
  generation_timer_.async_wait([this, alive = alive_](const boost::system::error_code& ec) {
    if (ec || !*alive || stopped_) return;
    if (!in_flight_ && !backing_off_ && !lingering_) send();
  });
}

void Shipper::generation_adopted(const GenerationChange& change) {
  if (change.first) log_.info("ship", "the collector's store generation is " + change.current);
  if (!change.changed) return;
  const std::string since =
      change.resend_since_ms ? "shipped since " + format_iso8601_utc_ms(*change.resend_since_ms) +
                                   " (a day before its backup)"
                             : "still held (its backup's time is unknown)";
  log_.warn("ship", "the collector's store generation changed from " + change.previous + " to " +
                        change.current + ": it was restored from a backup; sending again " +
                        std::to_string(change.records) + " records and " +
                        std::to_string(change.commits) + " commits " + since);
  pending_ += change.records + change.commits;
}

}  // namespace codepulse::tracker
