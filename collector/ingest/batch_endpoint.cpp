#include "collector/ingest/batch_endpoint.hpp"

#include <algorithm>
#include <cctype>

#include "collector/ingest/batch_limits.hpp"
#include "collector/ingest/store_generation.hpp"
#include "common/ascii.hpp"
#include "common/json_writer.hpp"
#include "common/time.hpp"
#include "proto/wire_batch.hpp"

namespace codepulse::collector {
namespace {

constexpr int64_t kDayMs = 86'400'000;

// zstd (the protocol's encoding) or none (plain JSON, for debugging by hand).
bool is_zstd(std::string_view encoding) {
  return iequals(trim(encoding), "zstd");
}
bool is_supported_encoding(std::string_view encoding) {
  const auto e = trim(encoding);
  return e.empty() || iequals(e, "identity") || iequals(e, "zstd");
}

}  // namespace

std::variant<HttpReply, TokenInfo> authenticate_bearer(Store& store,
                                                       std::string_view authorization) {
  const auto auth = trim(authorization);
  if (auth.size() < 7 || !iequals(auth.substr(0, 7), "Bearer "))
    return HttpReply{401, error_json(401, "missing 'Authorization: Bearer <token>' header"), 0,
                     false, true};
  auto info = store.authenticate(trim(auth.substr(7)));
  if (!info)
    return HttpReply{503, error_json(503, "cannot check the token now: " + info.error().message),
                     1};
  if (!*info) return HttpReply{401, error_json(401, "unknown or revoked token"), 0, false, true};
  return std::move(**info);
}

HttpReply BatchEndpoint::refuse(BatchOutcome outcome, int status, const std::string& message) {
  metrics_.batch(outcome);
  HttpReply r;
  r.status = status;
  r.body = error_json(status, message);
  return r;
}

std::optional<HttpReply> BatchEndpoint::admit(std::string_view authorization,
                                              std::string_view content_encoding,
                                              std::optional<uint64_t> content_length,
                                              Caller& caller) {
  auto who = authenticate_bearer(store_, authorization);
  if (auto* r = std::get_if<HttpReply>(&who)) {
    metrics_.batch(r->status == 401 ? BatchOutcome::kUnauthorized : BatchOutcome::kStoreError);
    r->close = true;
    return std::move(*r);
  }
  const TokenInfo& token = std::get<TokenInfo>(who);
  if (token.role != Role::kTracker && token.role != Role::kAdmin) {
    auto r = refuse(BatchOutcome::kForbidden, 403,
                    std::string("a ") + role_name(token.role) + " token cannot send batches");
    r.close = true;
    return r;
  }
  caller.token_id = token.id;
  caller.author = token.author;
  if (!is_supported_encoding(content_encoding)) {
    auto r = refuse(
        BatchOutcome::kUnsupported, 415,
        "Content-Encoding '" + std::string(content_encoding) + "' is not supported; send zstd");
    r.close = true;
    return r;
  }
  if (!content_length) {
    auto r = refuse(BatchOutcome::kTooLarge, 411, "a batch needs a Content-Length header");
    r.close = true;
    return r;
  }
  if (*content_length > limits_.max_body_bytes) {
    auto r =
        refuse(BatchOutcome::kTooLarge, 413,
               "the body of " + std::to_string(*content_length) + " bytes is over the limit of " +
                   std::to_string(limits_.max_body_bytes) + " bytes; send smaller batches");
    r.close = true;
    return r;
  }
  if (const int64_t wait = limiter_.acquire(caller.token_id); wait > 0) {
    auto r = refuse(BatchOutcome::kRateLimited, 429,
                    "too many batches for this token; retry in " + std::to_string(wait) + " s");
    r.retry_after_s = wait;
    r.close = true;  // the body is not read
    return r;
  }
  return std::nullopt;
}

std::variant<HttpReply, std::shared_ptr<IngestJob>> BatchEndpoint::prepare(
    const Caller& caller, std::string_view body, std::string_view content_encoding,
    std::string_view idempotency_key) {
  proto::DecodeLimits limits;
  limits.max_decompressed_bytes = limits_.max_decompressed_bytes;
  limits.max_records = limits_.max_records;
  limits.max_timestamp_ms = now_utc_ms() + kDayMs;
  auto decoded =
      is_zstd(content_encoding) ? proto::decode(body, limits) : proto::decode_json(body, limits);
  if (!decoded) {
    const bool too_big = decoded.error().message.find("limit") != std::string::npos;
    return refuse(too_big ? BatchOutcome::kTooLarge : BatchOutcome::kBad, too_big ? 413 : 400,
                  "batch refused: " + decoded.error().message);
  }
  if (auto over = over_batch_limits(*decoded))
    return refuse(BatchOutcome::kTooLarge, 413, "batch refused: " + *over);
  const auto key = trim(idempotency_key);
  if (!key.empty() && key != decoded->header.batch_id)
    return refuse(BatchOutcome::kBad, 400,
                  "the Idempotency-Key header '" + std::string(key) +
                      "' differs from the batch_id '" + decoded->header.batch_id + "'");
  auto job = std::make_shared<IngestJob>();
  job->author = caller.author;
  job->batch = std::move(decoded).value();
  return job;
}

HttpReply BatchEndpoint::finish(const IngestJob& job) {
  metrics_.commit_latency().observe(static_cast<double>(job.commit_us) / 1e6);
  if (!job.result || !*job.result) {
    const std::string why = job.result ? job.result->error().message : "not stored";
    auto r = refuse(BatchOutcome::kStoreError, 503, "the batch was not stored: " + why);
    r.retry_after_s = 1;
    return r;
  }
  const IngestResult& res = **job.result;
  metrics_.batch(res.batch_seen_before ? BatchOutcome::kDuplicateBatch : BatchOutcome::kStored);
  metrics_.records(res);
  HttpReply r;
  JsonWriter w(r.body);
  w.begin_object()
      .field("batch_id", job.batch.header.batch_id)
      .field("author", job.author)
      .field("duplicate_batch", res.batch_seen_before)
      .field("records_new", res.records_new)
      .field("duplicates", res.duplicates)
      .field("replaced", res.replaced)
      .field("stale", res.stale)
      .field("rejected", res.rejected);
  w.key("rejections").begin_array();
  for (const RecordOutcome& o : res.rejections)
    w.begin_object()
        .field("index", static_cast<int64_t>(o.index))
        .field("uid", o.uid)
        .field("reason", o.reason)
        .end_object();
  w.end_array();
  // Commit counts only for a batch that carried commits (or, resent, stored
  // some): a tracker that sends none gets the answer it always did.
  const bool carried_commits = !job.batch.commits.empty() || !job.batch.rejected_commits.empty();
  if (carried_commits || res.commits_new != 0 || res.commits_duplicate != 0 ||
      res.commits_rejected != 0) {
    w.field("commits_new", res.commits_new)
        .field("commits_duplicate", res.commits_duplicate)
        .field("commits_rejected", res.commits_rejected);
    w.key("commit_rejections").begin_array();
    for (const CommitRejection& o : res.commit_rejections)
      w.begin_object()
          .field("index", static_cast<int64_t>(o.index))
          .field("sha", o.sha)
          .field("reason", o.reason)
          .end_object();
    w.end_array();
  }
  if (!generation_.id.empty()) write_generation_fields(w, generation_);
  if (budgets_) write_batch_budgets(w, job, budgets_->snapshot());
  w.end_object();
  return r;
}

}  // namespace codepulse::collector
