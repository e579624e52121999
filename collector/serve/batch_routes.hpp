// POST /v1/batches in the server's terms: a request's headers and body handed
// to BatchEndpoint (collector/ingest/), which makes every decision, and the
// replies for a body that never arrived. A batch carries a tracker's commits too.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>

#include "collector/ingest/batch_endpoint.hpp"
#include "collector/serve/route_io.hpp"

namespace codepulse::collector {

// After the header: a reply to send at once, or nullopt to read the body.
// `content_length` is nullopt without one (or for a chunked body).
std::optional<HttpReply> admit_batch(BatchEndpoint& endpoint, const RouteRequest& request,
                                     std::optional<uint64_t> content_length, Caller& caller);
// After the body: an error reply, or the job to store.
std::variant<HttpReply, std::shared_ptr<IngestJob>> prepare_batch(BatchEndpoint& endpoint,
                                                                  const Caller& caller,
                                                                  const RouteRequest& request);
// A Content-Length over the batch limit, seen while reading any header.
HttpReply batch_too_large(const BatchEndpoint& endpoint);
// The body did not arrive: over the limit (413), or too slow or cut off (408).
HttpReply batch_body_failed(const BatchEndpoint& endpoint, bool over_limit, const std::string& why);

}  // namespace codepulse::collector
