#include "tracker/ship/shipper.hpp"

#include <simdjson.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <chrono>

#include "common/time.hpp"
#include "proto/commit_refusals.hpp"
#include "tracker/queue/commit_store.hpp"
#include "tracker/ship/generation_answer.hpp"
#include "tracker/ship/token_file.hpp"

namespace codepulse::tracker {
namespace {

std::string first_line(std::string s, size_t max = 300) {
  if (const auto nl = s.find('\n'); nl != std::string::npos) s.resize(nl);
  if (s.size() > max) s = s.substr(0, max) + "...";
  return s;
}

// The "error" of a JSON error body, else the body's first line.
std::string error_text(const std::string& body) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  std::string_view msg;
  if (!parser.parse(body).get(doc) && !doc["error"].get_string().get(msg)) return std::string(msg);
  return first_line(body);
}

// "1 record", "2 records", "2 batches".
std::string counted(int64_t n, const std::string& noun) {
  if (n == 1) return "1 " + noun;
  return std::to_string(n) + " " + noun + (noun.back() == 'h' ? "es" : "s");
}

// "42 s", "3 min 5 s", "2 h 10 min".
std::string describe_duration(int64_t ms) {
  const int64_t s = std::max<int64_t>(ms, 0) / 1000;
  if (s < 60) return std::to_string(s) + " s";
  if (s < 3600) return std::to_string(s / 60) + " min " + std::to_string(s % 60) + " s";
  return std::to_string(s / 3600) + " h " + std::to_string(s % 3600 / 60) + " min";
}

}  // namespace

Shipper::Shipper(boost::asio::io_context& io, LocalStore& store, ShipOptions options, Logger& log)
    : io_(io),
      store_(store),
      options_(std::move(options)),
      log_(log),
      linger_(io),
      backoff_(io),
      refresh_timer_(io),
      generation_timer_(io),
      rng_(std::random_device{}()),
      limit_(options_.batch_max_records) {
  status_.collector = options_.endpoint.display();
}

Shipper::~Shipper() {
  *alive_ = false;
  stop();
}

Status Shipper::start() {
  if (auto token = read_token_file(options_.token_file); !token) return token.error();
  auto client = HttpsClient::create(io_, options_.endpoint, options_.tls,
                                    std::chrono::milliseconds(options_.timeout_ms));
  if (!client) return client.error();
  client_ = std::move(client).value();
  log_.info("ship", "shipping to https://" + options_.endpoint.display() +
                        options_.endpoint.base_path + " in batches of at most " +
                        std::to_string(options_.batch_max_records) + " records");
  send();  // whatever waited while the tracker was not running
  return {};
}

void Shipper::stop() {
  stopped_ = true;
  linger_.cancel();
  backoff_.cancel();
  refresh_timer_.cancel();
  generation_timer_.cancel();
  if (client_) client_->close();
}

void Shipper::records_queued(int64_t count) {
  if (stopped_ || count <= 0) return;
  pending_ += count;
  if (in_flight_ || backing_off_) return;  // picked up when that ends
  if (pending_ >= static_cast<int64_t>(limit_)) {
    linger_.cancel();
    lingering_ = false;
    send();
    return;
  }
  if (lingering_) return;
  lingering_ = true;
  linger_.expires_after(std::chrono::milliseconds(options_.batch_max_age_ms));
  linger_.async_wait([this, alive = alive_](const boost::system::error_code& ec) {
    if (ec || !*alive) return;
    lingering_ = false;
    if (!in_flight_ && !backing_off_) send();
  });
}

void Shipper::ship_now() {
  if (stopped_) return;
  flushing_ = true;
  next_generation_ms_ = 0;  // a flush also asks whether the collector was restored
  linger_.cancel();
  lingering_ = false;
  if (backing_off_) {
    backoff_.cancel();
    backing_off_ = false;
  }
  if (!in_flight_) send();
}

void Shipper::changed() {
  if (on_change_) on_change_();
}

void Shipper::net_post_send() {
  boost::asio::post(io_, [this, alive = alive_] {
    if (*alive && !stopped_ && !in_flight_ && !backing_off_) send();
  });
}

// The price book check, when due, goes before the next batch; whatever its
// outcome, the batch follows.
void Shipper::refresh_prices() {
  auto token = read_token_file(options_.token_file);
  if (!token) {
    refresh_->failed("cannot ask for the collector's price book: " + token.error().message,
                     now_utc_ms());
    arm_refresh_timer();
    send();
    return;
  }
  in_flight_ = true;
  client_->send(refresh_->request(*token), [this, alive = alive_](Result<HttpResponse> r) {
    if (!*alive) return;
    in_flight_ = false;
    if (stopped_) return;
    refresh_->take(r, now_utc_ms());
    arm_refresh_timer();
    changed();
    send();
  });
}

// When the queue is quiet, the next check still happens on time.
void Shipper::arm_refresh_timer() {
  if (!refresh_ || stopped_) return;
  const int64_t wait = std::max<int64_t>(0, refresh_->next_ms() - now_utc_ms());
  refresh_timer_.expires_after(std::chrono::milliseconds(wait));
  refresh_timer_.async_wait([this, alive = alive_](const boost::system::error_code& ec) {
    if (ec || !*alive || stopped_) return;
    if (!in_flight_ && !backing_off_ && !lingering_) send();
  });
}

void Shipper::send() {
  if (stopped_ || in_flight_ || !client_) return;
  if (refresh_ && refresh_->due(now_utc_ms())) {
    refresh_prices();
    return;
  }
  auto batch = next_batch(store_, limit_);
  if (!batch) {
    retry_later("cannot read the queue: " + batch.error().message, -1);
    return;
  }
  pending_ = 0;
  if (batch->size() == 0) {
    if (generation_due()) {
      check_generation();
      return;
    }
    if (flushing_) {
      flushing_ = false;
      if (on_drained_) on_drained_("");
    }
    return;
  }
  auto token = read_token_file(options_.token_file);
  if (!token) {
    retry_later(token.error().message, -1);
    return;
  }
  auto body = proto::encode(batch->header, batch->records, batch->commits);
  if (!body) {
    retry_later("cannot encode a batch: " + body.error().message, -1);
    return;
  }
  HttpRequest req;
  req.method = "POST";
  req.target = "/v1/batches";
  req.headers = {{"Authorization", "Bearer " + *token},
                 {"Content-Type", "application/json"},
                 {"Content-Encoding", "zstd"},
                 {"Idempotency-Key", batch->header.batch_id}};
  req.body = std::move(body).value();
  in_flight_ = true;
  auto shared = std::make_shared<OutgoingBatch>(std::move(batch).value());
  client_->send(std::move(req), [this, shared, alive = alive_](Result<HttpResponse> r) {
    if (!*alive) return;
    in_flight_ = false;
    if (stopped_) return;
    on_response(std::move(*shared), std::move(r));
  });
}

void Shipper::on_response(OutgoingBatch batch, Result<HttpResponse> response) {
  if (!response) {
    retry_later(response.error().message, -1);
    return;
  }
  const int code = response->status;
  status_.last_http_status = code;
  if (code >= 200 && code < 300) {
    if (auto s = apply_success(batch, *response); !s) {
      // Not a receipt, or not marked here: sent again later (a collector that
      // stored it answers "duplicate batch"). Nothing is lost or doubled.
      retry_later(s.error().message, -1);
      return;
    }
    if (status_.failures > 0) note_recovery();
    status_.failures = 0;
    status_.last_success_ms = now_utc_ms();
    ++status_.batches_shipped;
    status_.records_shipped += static_cast<int64_t>(batch.records.size());
    changed();
    const bool full = batch.size() >= limit_;
    if (full || flushing_) {
      net_post_send();
      return;
    }
    if (pending_ > 0) {
      const int64_t again = pending_;
      pending_ = 0;
      records_queued(again);
    }
    return;
  }
  const std::string why =
      "collector answered " + std::to_string(code) + ": " + error_text(response->body);
  if (code == 408 || code == 429 || code >= 500) {
    retry_later(why, response->retry_after_s);
    return;
  }
  if (code == 401 || code == 403) {
    // The batch is fine; the token is not. Wait (with backoff) for a new
    // token file; the records stay queued.
    retry_later(why + " (check token_file " + options_.token_file + ")", -1);
    return;
  }
  if (code == 413 && batch.size() > 1) {
    limit_ = std::max<size_t>(1, batch.size() / 2);
    log_.warn("ship", why + "; sending batches of at most " + std::to_string(limit_) + " records");
    net_post_send();
    return;
  }
  if (code != 400 && code != 422 && code != 413) {
    // 404, 405, 415, a proxy's page: the URL or something in front of the
    // collector is wrong, not the batch. Keep the records and retry.
    retry_later(why + " (is the collector URL https://" + options_.endpoint.display() +
                    options_.endpoint.base_path + " right?)",
                -1);
    return;
  }
  if (auto s = quarantine(batch, code, why); !s) {
    retry_later("cannot quarantine a refused batch: " + s.error().message, -1);
    return;
  }
  net_post_send();
}

Status Shipper::apply_success(const OutgoingBatch& batch, const HttpResponse& response) {
  // Records the collector rejected (by index) are quarantined with the reason.
  std::vector<QuarantineEntry> rejected;
  std::vector<bool> is_rejected(batch.records.size(), false);
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  simdjson::dom::array list;
  // Only the collector's receipt for this very batch marks records shipped:
  // a 200 from anything else (a web server at a wrong path) must not.
  std::string_view batch_id;
  int64_t counted = 0;
  bool receipt = !parser.parse(response.body).get(doc) &&
                 !doc["batch_id"].get_string().get(batch_id) && batch_id == batch.header.batch_id &&
                 !doc["rejections"].get_array().get(list);
  for (const char* key : {"records_new", "duplicates", "replaced", "stale", "rejected"}) {
    int64_t n = 0;
    receipt = receipt && !doc[key].get_int64().get(n);
    counted += n;
  }
  if (!receipt || counted != static_cast<int64_t>(batch.records.size()))
    return make_error("the collector answered " + std::to_string(response.status) +
                      " without a receipt for batch " + batch.header.batch_id +
                      " (is the collector URL right?): " + first_line(response.body, 120));
  {
    for (simdjson::dom::element e : list) {
      int64_t index = -1;
      std::string_view reason;
      if (e["index"].get_int64().get(index) || index < 0 ||
          static_cast<size_t>(index) >= batch.records.size())
        continue;
      if (e["reason"].get_string().get(reason)) reason = "rejected";
      const auto i = static_cast<size_t>(index);
      is_rejected[i] = true;
      rejected.push_back({batch.local_ids[i], batch.records[i].revision,
                          batch.records[i].record_uid, batch.header.batch_id, 0,
                          std::string(reason), 0});
    }
  }
  std::vector<LocalStore::Sent> shipped;
  for (size_t i = 0; i < batch.records.size(); ++i)
    if (!is_rejected[i])
      shipped.push_back(
          {batch.local_ids[i], batch.records[i].revision, batch.records[i].record_uid});
  // Commits the collector rejected (optional "commit_rejections", by index):
  // quarantined, except those refused as not this tracker's author's, which
  // leave the queue (queued before the tracker sent only its own).
  enum class CommitFate { kShipped, kRefused, kNotOurs };
  std::vector<CommitFate> fate(batch.commits.size(), CommitFate::kShipped);
  std::string not_ours_reason;
  simdjson::dom::array commit_list;
  if (!doc["commit_rejections"].get_array().get(commit_list)) {
    for (simdjson::dom::element e : commit_list) {
      int64_t index = -1;
      std::string_view reason;
      if (e["index"].get_int64().get(index) || index < 0 ||
          static_cast<size_t>(index) >= batch.commits.size())
        continue;
      const bool not_ours =
          !e["reason"].get_string().get(reason) && proto::is_identity_refusal(reason);
      if (not_ours && not_ours_reason.empty()) not_ours_reason = std::string(reason);
      fate[static_cast<size_t>(index)] = not_ours ? CommitFate::kNotOurs : CommitFate::kRefused;
    }
  }
  std::vector<int64_t> commits_shipped, commits_refused, commits_not_ours;
  for (size_t i = 0; i < batch.commits.size(); ++i)
    (fate[i] == CommitFate::kShipped   ? commits_shipped
     : fate[i] == CommitFate::kRefused ? commits_refused
                                       : commits_not_ours)
        .push_back(batch.commit_ids[i]);
  const auto seen = generation_in(doc);
  if (auto s = store_.begin(); !s) return s;
  CommitStore commits(store_.database());
  Status s = store_.mark_shipped(shipped);
  if (s && !rejected.empty()) s = store_.quarantine(rejected);
  if (s) s = commits.mark_shipped(commits_shipped);
  if (s) s = commits.quarantine(commits_refused);
  if (s) s = commits.drop_not_ours(commits_not_ours);
  // After the marks: what this batch just shipped is sent again too when
  // the collector turns out to be restored (a duplicate costs nothing).
  GenerationChange change;
  if (s && seen) {
    auto adopted = adopt_collector_generation(store_, *seen);
    if (adopted)
      change = std::move(adopted).value();
    else
      s = adopted.error();
  }
  if (!s) {
    store_.rollback();
    return s;
  }
  if (auto c = store_.commit(); !c) return c;
  take_budgets(doc);
  // Only commits the collector took: not the refused or not-ours ones.
  status_.commits_shipped += static_cast<int64_t>(commits_shipped.size());
  if (seen) next_generation_ms_ = now_utc_ms() + options_.generation_check_ms;  // just learnt
  generation_adopted(change);
  if (!commits_refused.empty())
    log_.error("ship", "the collector rejected " + std::to_string(commits_refused.size()) +
                           " commits of batch " + batch.header.batch_id + "; they are quarantined");
  if (!commits_not_ours.empty())
    log_.info("ship", std::to_string(commits_not_ours.size()) + " commits of batch " +
                          batch.header.batch_id +
                          " are not this tracker's author's; dropped from the queue (first: " +
                          not_ours_reason + ")");
  if (!rejected.empty()) {
    status_.records_quarantined += static_cast<int64_t>(rejected.size());
    log_.error("ship", "the collector rejected " + std::to_string(rejected.size()) +
                           " records of batch " + batch.header.batch_id +
                           " (first: " + rejected.front().reason + "); they are quarantined");
  }
  return {};
}

Status Shipper::quarantine(const OutgoingBatch& batch, int status, const std::string& reason) {
  std::vector<QuarantineEntry> entries;
  for (size_t i = 0; i < batch.records.size(); ++i)
    entries.push_back({batch.local_ids[i], batch.records[i].revision, batch.records[i].record_uid,
                       batch.header.batch_id, status, reason, 0});
  if (auto s = store_.begin(); !s) return s;
  Status kept = store_.quarantine(entries);
  if (kept) kept = CommitStore(store_.database()).quarantine(batch.commit_ids);
  if (!kept) {
    store_.rollback();
    return kept;
  }
  if (auto s = store_.commit(); !s) return s;
  status_.records_quarantined += static_cast<int64_t>(entries.size());
  status_.last_error = reason;
  status_.last_error_ms = now_utc_ms();
  log_.error("ship", "batch " + batch.header.batch_id + " (" +
                         std::to_string(batch.records.size()) + " records, " +
                         std::to_string(batch.commits.size()) + " commits) quarantined: " + reason +
                         "; 'codepulse-tracker queue quarantine' lists them, 'queue release' "
                         "sends them again");
  changed();
  return {};
}

// Once per outage, at its first success: how long shipping failed, and
// what is still waiting.
void Shipper::note_recovery() {
  const int64_t down_ms = now_utc_ms() - failing_since_ms_;
  std::string line = "shipping recovered after " + describe_duration(down_ms) + " of failures (" +
                     counted(status_.failures, "failed attempt") + ")";
  if (auto q = store_.queue_stats(); q) {
    const auto per_batch = static_cast<int64_t>(std::max<size_t>(limit_, 1));
    line += "; " + counted(q->unshipped, "record") + " pending, " +
            counted((q->unshipped + per_batch - 1) / per_batch, "batch") + " to send";
  }
  log_.info("ship", line);
}

void Shipper::retry_later(const std::string& why, int64_t retry_after_s) {
  if (status_.failures == 0) failing_since_ms_ = now_utc_ms();
  ++status_.failures;
  const int shift = static_cast<int>(std::min<int64_t>(status_.failures - 1, 30));
  const int64_t ceiling =
      std::min(options_.backoff_max_ms, options_.backoff_first_ms << std::min(shift, 20));
  std::uniform_int_distribution<int64_t> jitter(0, std::max<int64_t>(ceiling, 1));
  int64_t delay = jitter(rng_);
  if (retry_after_s >= 0)
    delay = std::min(options_.backoff_max_ms, std::max(delay, retry_after_s * 1000));
  delay = std::max<int64_t>(delay, 50);
  status_.last_error = why;
  status_.last_error_ms = now_utc_ms();
  status_.next_attempt_ms = status_.last_error_ms + delay;
  log_.warn("ship", why + "; attempt " + std::to_string(status_.failures) + ", retrying in " +
                        std::to_string(delay) + " ms (records stay queued)");
  changed();
  if (flushing_ && on_drained_) {
    flushing_ = false;
    on_drained_(why);
  }
  backing_off_ = true;
  backoff_.expires_after(std::chrono::milliseconds(delay));
  backoff_.async_wait([this, alive = alive_](const boost::system::error_code& ec) {
    if (ec || !*alive) return;
    backing_off_ = false;
    send();
  });
}

}  // namespace codepulse::tracker
