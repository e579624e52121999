#include "collector/ingest/metrics.hpp"

#include <cstdio>
#include <initializer_list>

#include "common/enum_names.hpp"

namespace codepulse::collector {
namespace {

constexpr EnumName<BatchOutcome> kOutcomeLabels[] = {
    {BatchOutcome::kStored, "stored"},
    {BatchOutcome::kDuplicateBatch, "duplicate_batch"},
    {BatchOutcome::kBad, "bad_request"},
    {BatchOutcome::kUnauthorized, "unauthorized"},
    {BatchOutcome::kForbidden, "forbidden"},
    {BatchOutcome::kTooLarge, "too_large"},
    {BatchOutcome::kUnsupported, "unsupported_media"},
    {BatchOutcome::kRateLimited, "rate_limited"},
    {BatchOutcome::kStoreError, "store_error"}};

// The names are literals: data() ends with a NUL.
const char* outcome_label(BatchOutcome o) {
  return name_of(kOutcomeLabels, o).data();
}

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

void header(std::string& out, const std::string& name, const char* type, const std::string& help) {
  out += "# HELP " + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
}

// One line of counter `name` per outcome label.
void by_outcome(std::string& out, const char* name,
                std::initializer_list<std::pair<const char*, uint64_t>> counts) {
  for (const auto& [label, n] : counts)
    out += std::string(name) + "{outcome=\"" + label + "\"} " + std::to_string(n) + "\n";
}

}  // namespace

void Histogram::observe(double seconds) {
  size_t i = 0;
  while (i < kBounds.size() && seconds > kBounds[i])
    ++i;
  ++buckets_[i];
  ++count_;
  sum_us_ += static_cast<uint64_t>(seconds * 1e6);
}

void Histogram::render(std::string& out, const std::string& name, const std::string& help) const {
  header(out, name, "histogram", help);
  uint64_t cumulative = 0;
  for (size_t i = 0; i < kBounds.size(); ++i) {
    cumulative += buckets_[i].load();
    out += name + "_bucket{le=\"" + number(kBounds[i]) + "\"} " + std::to_string(cumulative) + "\n";
  }
  cumulative += buckets_[kBounds.size()].load();
  out += name + "_bucket{le=\"+Inf\"} " + std::to_string(cumulative) + "\n";
  out += name + "_sum " + number(static_cast<double>(sum_us_.load()) / 1e6) + "\n";
  out += name + "_count " + std::to_string(count_.load()) + "\n";
}

void Metrics::request(const std::string& path, int status) {
  if (status >= 100 && status < 600) ++classes_[static_cast<size_t>(status / 100)];
  std::lock_guard lock(mu_);
  ++requests_[{path, status}];
}

void Metrics::batch(BatchOutcome outcome) {
  ++batches_[static_cast<size_t>(outcome)];
}

void Metrics::records(const IngestResult& r) {
  if (r.batch_seen_before) return;  // counted when first stored
  new_ += static_cast<uint64_t>(r.records_new);
  duplicate_ += static_cast<uint64_t>(r.duplicates);
  replaced_ += static_cast<uint64_t>(r.replaced);
  stale_ += static_cast<uint64_t>(r.stale);
  rejected_ += static_cast<uint64_t>(r.rejected);
  commits_new_ += static_cast<uint64_t>(r.commits_new);
  commits_duplicate_ += static_cast<uint64_t>(r.commits_duplicate);
  commits_rejected_ += static_cast<uint64_t>(r.commits_rejected);
}

std::string Metrics::render(int64_t store_bytes, int64_t records_stored, size_t queue_depth) const {
  std::string out;
  header(out, "codepulse_http_requests_total", "counter", "HTTP requests by path and status.");
  {
    std::lock_guard lock(mu_);
    for (const auto& [key, n] : requests_)
      out += "codepulse_http_requests_total{path=\"" + key.first + "\",code=\"" +
             std::to_string(key.second) + "\"} " + std::to_string(n) + "\n";
  }
  header(out, "codepulse_http_responses_total", "counter",
         "HTTP responses by class of status (2xx, 3xx, 4xx, 5xx).");
  for (size_t c = 2; c < classes_.size(); ++c)
    out += "codepulse_http_responses_total{class=\"" + std::to_string(c) + "xx\"} " +
           std::to_string(classes_[c].load()) + "\n";
  header(out, "codepulse_batches_total", "counter", "Batches received, by outcome.");
  for (size_t i = 0; i < batches_.size(); ++i)
    out += std::string("codepulse_batches_total{outcome=\"") +
           outcome_label(static_cast<BatchOutcome>(i)) + "\"} " +
           std::to_string(batches_[i].load()) + "\n";
  header(out, "codepulse_records_total", "counter", "Records received, by outcome.");
  by_outcome(out, "codepulse_records_total",
             {{"new", new_.load()},
              {"duplicate", duplicate_.load()},
              {"replaced", replaced_.load()},
              {"stale", stale_.load()},
              {"rejected", rejected_.load()}});
  header(out, "codepulse_commits_total", "counter", "Git commits received, by outcome.");
  by_outcome(out, "codepulse_commits_total",
             {{"new", commits_new_.load()},
              {"duplicate", commits_duplicate_.load()},
              {"rejected", commits_rejected_.load()}});
  batch_latency_.render(out, "codepulse_batch_duration_seconds",
                        "Time from a batch's request header to its reply, stored batches.");
  commit_latency_.render(out, "codepulse_store_commit_duration_seconds",
                         "Time of one group commit to the store.");
  header(out, "codepulse_connections_open", "gauge", "Open client connections.");
  out += "codepulse_connections_open " + std::to_string(connections_open_.load()) + "\n";
  header(out, "codepulse_connections_total", "counter", "Client connections accepted.");
  out += "codepulse_connections_total " + std::to_string(connections_total_.load()) + "\n";
  header(out, "codepulse_connections_refused_total", "counter",
         "Connections closed at once because the connection limit was reached.");
  out +=
      "codepulse_connections_refused_total " + std::to_string(connections_refused_.load()) + "\n";
  header(out, "codepulse_ingest_queue_depth", "gauge", "Batches waiting for the store writer.");
  out += "codepulse_ingest_queue_depth " + std::to_string(queue_depth) + "\n";
  header(out, "codepulse_store_bytes", "gauge", "Size of the store on disk (database and WAL).");
  out += "codepulse_store_bytes " + std::to_string(store_bytes) + "\n";
  header(out, "codepulse_store_records", "gauge", "Usage records in the store.");
  out += "codepulse_store_records " + std::to_string(records_stored) + "\n";
  return out;
}

}  // namespace codepulse::collector
