// The outbox's delivery loop and the alert sources' checks (alert_dispatcher.hpp).
#include "collector/alert/alert_dispatcher.hpp"

#include <algorithm>
#include <chrono>
#include <utility>

#include "collector/alert/alert_bodies.hpp"
#include "common/ascii.hpp"
#include "common/time.hpp"

namespace codepulse::collector {
namespace {

constexpr size_t kBodyInErrors = 200;

std::string random_owner(std::mt19937_64& rng) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 16; ++i)
    out.push_back(kHex[rng() & 15]);
  return out;
}

// The setting that holds a receiver's URL, for the 410 message.
std::string url_setting(const AlertReceiver& r) {
  switch (r.kind) {
    case ReceiverKind::kSlack:
      return "alert_slack_url_file";
    case ReceiverKind::kTeams:
      return "alert_teams_url_file";
    case ReceiverKind::kWebhook:
      break;
  }
  return "alert_webhook_url";
}

}  // namespace

AlertAttempt send_alert(const AlertReceiver& receiver, const AlertMessage& a, int64_t now_ms,
                        int64_t timeout_ms) {
  AlertAttempt out;
  auto r = send_blocking(receiver.endpoint, receiver.tls, std::chrono::milliseconds(timeout_ms),
                         alert_request(receiver, a, now_ms));
  if (!r) {
    out.error =
        "no answer from " + receiver.display() + " (" + receiver.scrub(r.error().message) + ")";
    return out;
  }
  out.status = r->status;
  if (r->retry_after_s >= 0) out.retry_after_ms = r->retry_after_s * 1000;
  const std::string said = receiver.display() + " answered " + std::to_string(r->status) + " (" +
                           receiver.scrub(std::string_view(r->body).substr(0, kBodyInErrors)) + ")";
  if (r->status >= 200 && r->status < 300) {
    out.kind = AlertAttempt::kDelivered;
  } else if (r->status == 410) {
    out.kind = AlertAttempt::kGone;
    out.error = said;
  } else if (r->status == 408 || r->status == 429 || r->status >= 500) {
    out.error = said;
  } else {
    out.kind = AlertAttempt::kRefused;
    out.error = said;
  }
  return out;
}

int64_t alert_backoff_ms(int64_t attempts, int64_t base_ms, int64_t max_ms, int64_t retry_after_ms,
                         double jitter01) {
  int64_t d = std::max<int64_t>(base_ms, 1);
  for (int64_t i = 1; i < attempts && d < max_ms; ++i)
    d *= 2;
  d = std::min(d, max_ms);
  d -= static_cast<int64_t>(static_cast<double>(d / 2) * std::clamp(jitter01, 0.0, 1.0));
  if (retry_after_ms > d) d = std::min(retry_after_ms, max_ms);
  return d;
}

AlertDispatcher::AlertDispatcher(Store& store, std::vector<AlertReceiver> receivers,
                                 AlertSettings settings, Logger& log)
    : store_(store),
      receivers_(std::move(receivers)),
      settings_(std::move(settings)),
      log_(log),
      rng_(std::random_device{}()) {
  owner_ = random_owner(rng_);
}

AlertDispatcher::~AlertDispatcher() {
  stop();
}

const AlertReceiver* AlertDispatcher::receiver(const std::string& name) const {
  for (const AlertReceiver& r : receivers_)
    if (r.name == name) return &r;
  return nullptr;
}

std::vector<std::string> AlertDispatcher::enabled() const {
  std::lock_guard lock(mu_);
  std::vector<std::string> out;
  for (const AlertReceiver& r : receivers_)
    if (!disabled_.count(r.name)) out.push_back(r.name);
  return out;
}

Result<int64_t> AlertDispatcher::enqueue(const AlertMessage& a) {
  auto added = store_.enqueue_alert(a, receiver_names(receivers_));
  if (added && *added > 0) {
    log_.info("alerts", "alert " + a.dedupe_key + " enqueued for " + std::to_string(*added) +
                            " receiver(s): " + a.title);
    {
      std::lock_guard lock(mu_);
      woken_ = true;
    }
    cv_.notify_all();
  }
  return added;
}

int64_t AlertDispatcher::deliver_due(int64_t now_ms) {
  // Each request takes at most about five timeouts (resolve, connect, TLS,
  // send, receive): the lease outlasts it, so no other collector takes a
  // row while it is being sent.
  const int64_t lease_ms = settings_.timeout_ms * 6 + 10'000;
  int64_t attempted = 0;
  while (true) {
    {
      std::lock_guard lock(mu_);
      if (stopping_) break;
    }
    const auto names = enabled();
    if (names.empty()) break;
    auto claimed = store_.claim_alerts(owner_, names, now_ms, lease_ms, 1);
    if (!claimed) {
      log_.warn("alerts", "cannot read the alert outbox: " + claimed.error().message);
      break;
    }
    if (claimed->empty()) break;
    deliver(claimed->front(), now_ms);
    ++attempted;
  }
  return attempted;
}

void AlertDispatcher::deliver(const AlertDelivery& d, int64_t now_ms) {
  const AlertReceiver* r = receiver(d.receiver);
  if (!r) return;  // claim_alerts only hands out rows of these receivers
  const AlertAttempt attempt = send_alert(*r, d.alert, now_ms, settings_.timeout_ms);
  AlertFinish f;
  f.attempts = d.attempts + 1;
  f.last_status = attempt.status;
  f.last_error = attempt.error.substr(0, kMaxAlertError);
  f.at_ms = now_ms;
  std::string what = "alert " + d.alert.dedupe_key + " to " + r->display();
  switch (attempt.kind) {
    case AlertAttempt::kDelivered:
      f.state = AlertState::kDelivered;
      log_.info("alerts", what + ": delivered (" + std::to_string(attempt.status) +
                              ") at attempt " + std::to_string(f.attempts));
      break;
    case AlertAttempt::kGone:
      f.state = AlertState::kFailed;
      f.last_error =
          (attempt.error + ": the receiver is gone and is disabled").substr(0, kMaxAlertError);
      {
        std::lock_guard lock(mu_);
        disabled_.insert(r->name);
      }
      log_.error("alerts", r->display() +
                               " answered 410 Gone: the webhook no longer exists. "
                               "Receiver " +
                               r->name +
                               " is disabled until the collector restarts; "
                               "its other alerts wait in the outbox. Set a working URL in " +
                               url_setting(*r) + " and restart the collector.");
      break;
    case AlertAttempt::kRefused:
      f.state = AlertState::kFailed;
      log_.error("alerts", what + ": refused, not retried: " + attempt.error);
      break;
    case AlertAttempt::kRetry:
      if (f.attempts >= settings_.max_attempts) {
        f.state = AlertState::kFailed;
        log_.error("alerts", what + ": failed after " + std::to_string(f.attempts) +
                                 " attempts, the last: " + attempt.error);
      } else {
        std::uniform_real_distribution<double> jitter(0.0, 1.0);
        const int64_t wait =
            alert_backoff_ms(f.attempts, settings_.retry_base_ms, settings_.retry_max_ms,
                             attempt.retry_after_ms, jitter(rng_));
        f.state = AlertState::kPending;
        f.next_attempt_ms = now_ms + wait;
        log_.warn("alerts", what + ": attempt " + std::to_string(f.attempts) + " failed (" +
                                attempt.error + "); next in " + std::to_string(wait) + " ms");
      }
      break;
  }
  auto done = store_.finish_alert(d.alert.dedupe_key, d.receiver, owner_, f);
  if (!done)
    log_.warn("alerts", what + ": its outcome is not stored: " + done.error().message);
  else if (!*done)
    log_.warn("alerts", what + ": its lease ran out before the outcome was stored");
}

void AlertDispatcher::add_check(std::string name, std::function<Status(int64_t)> check,
                                int64_t interval_ms) {
  checks_.push_back(Check{std::move(name), std::move(check), interval_ms, 0});
}

void AlertDispatcher::add_source(std::string name,
                                 std::function<Result<std::vector<AlertMessage>>(int64_t)> source,
                                 int64_t interval_ms) {
  add_check(
      std::move(name),
      [this, source = std::move(source)](int64_t now_ms) -> Status {
        auto alerts = source(now_ms);
        if (!alerts) return alerts.error();
        for (const AlertMessage& a : *alerts)
          if (auto added = enqueue(a); !added) return added.error();
        return {};
      },
      interval_ms);
}

void AlertDispatcher::request_check() {
  {
    std::lock_guard lock(mu_);
    check_requested_ = true;
  }
  cv_.notify_all();
}

void AlertDispatcher::run_checks(int64_t now_ms, bool requested) {
  for (Check& c : checks_) {
    if (!requested && c.next_ms > now_ms) continue;
    if (auto s = c.run(now_ms); !s)
      log_.warn("alerts", c.name + ": not checked: " + s.error().message);
    c.next_ms = now_ms + c.interval_ms;
  }
}

void AlertDispatcher::start() {
  if (thread_.joinable()) return;
  thread_ = std::thread([this] { run(); });
}

void AlertDispatcher::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void AlertDispatcher::run() {
  while (true) {
    bool requested = false;
    {
      std::lock_guard lock(mu_);
      if (stopping_) return;
      requested = check_requested_;
      check_requested_ = false;
      woken_ = false;
    }
    run_checks(now_utc_ms(), requested);
    deliver_due(now_utc_ms());
    std::unique_lock lock(mu_);
    int64_t wait = settings_.poll_ms;
    for (const Check& c : checks_)
      wait = std::min(wait, std::max<int64_t>(c.next_ms - now_utc_ms(), 0));
    cv_.wait_for(lock, std::chrono::milliseconds(std::max<int64_t>(wait, 1)),
                 [this] { return stopping_ || woken_ || check_requested_; });
  }
}

}  // namespace codepulse::collector
