// POST /v1/batches without the HTTP plumbing: what to answer after the
// request header (authentication, rate limit, size), after the body (decode
// and validate), and after the store committed. The server (serve/) only
// moves bytes; every decision about a batch is made here.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "collector/http/reply.hpp"
#include "collector/ingest/budget_board.hpp"
#include "collector/ingest/ingest_queue.hpp"
#include "collector/ingest/metrics.hpp"
#include "collector/ingest/rate_limiter.hpp"
#include "collector/store/store.hpp"

namespace codepulse::collector {

struct IngestLimits {
  size_t max_body_bytes = 16u << 20;          // compressed request body
  size_t max_decompressed_bytes = 64u << 20;  // zstd bombs
  size_t max_records = 100'000;               // per batch
  double rate_per_s = 50;                     // batches per second per token; 0 = no limit
  double burst = 200;
};

// Who sent the batch: filled in by admit().
struct Caller {
  int64_t token_id = 0;
  std::string author;
};

class BatchEndpoint {
 public:
  BatchEndpoint(Store& store, RateLimiter& limiter, Metrics& metrics, IngestLimits limits)
      : store_(store), limiter_(limiter), metrics_(metrics), limits_(limits) {}

  // After the header: a reply to send at once (401, 403, 411, 413, 415, 429),
  // or nullopt to read the body. Fills `caller`.
  std::optional<HttpReply> admit(std::string_view authorization, std::string_view content_encoding,
                                 std::optional<uint64_t> content_length, Caller& caller);
  // After the body: an error reply (400, 413) or a job for the IngestQueue.
  std::variant<HttpReply, std::shared_ptr<IngestJob>> prepare(const Caller& caller,
                                                              std::string_view body,
                                                              std::string_view content_encoding,
                                                              std::string_view idempotency_key);
  // After the store: 200 with the outcome, or 503 when the commit failed.
  HttpReply finish(const IngestJob& job);

  const IngestLimits& limits() const { return limits_; }
  // The store generation every answer carries (store_generation.hpp); set
  // once, before the first batch.
  void set_generation(StoreGeneration generation) { generation_ = std::move(generation); }
  const StoreGeneration& generation() const { return generation_; }
  // The budgets whose state each acknowledgement carries ("budgets": the
  // ones that apply to the batch's authors and repositories); set once,
  // before the first batch. Without it the answer has no "budgets".
  void set_budgets(const BudgetBoard* board) { budgets_ = board; }

 private:
  HttpReply refuse(BatchOutcome outcome, int status, const std::string& message);

  Store& store_;
  RateLimiter& limiter_;
  Metrics& metrics_;
  IngestLimits limits_;
  StoreGeneration generation_;
  const BudgetBoard* budgets_ = nullptr;
};

// The token of an "Authorization: Bearer <token>" header: who it is, or the
// reply to send (401 with WWW-Authenticate, or 503 when the store cannot tell).
std::variant<HttpReply, TokenInfo> authenticate_bearer(Store& store,
                                                       std::string_view authorization);

}  // namespace codepulse::collector
