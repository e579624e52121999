#include "collector/serve/batch_routes.hpp"

namespace codepulse::collector {

std::optional<HttpReply> admit_batch(BatchEndpoint& endpoint, const RouteRequest& request,
                                     std::optional<uint64_t> content_length, Caller& caller) {
  return endpoint.admit(request.header("Authorization"), request.header("Content-Encoding"),
                        content_length, caller);
}

std::variant<HttpReply, std::shared_ptr<IngestJob>> prepare_batch(BatchEndpoint& endpoint,
                                                                  const Caller& caller,
                                                                  const RouteRequest& request) {
  return endpoint.prepare(caller, request.body, request.header("Content-Encoding"),
                          request.header("Idempotency-Key"));
}

HttpReply batch_too_large(const BatchEndpoint& endpoint) {
  HttpReply big{413, error_json(413, "the body is over the limit of " +
                                         std::to_string(endpoint.limits().max_body_bytes) +
                                         " bytes; send smaller batches")};
  big.close = true;
  return big;
}

HttpReply batch_body_failed(const BatchEndpoint& endpoint, bool over_limit,
                            const std::string& why) {
  HttpReply reply;
  if (over_limit) {
    reply = {413, error_json(413, "the body is over the limit of " +
                                      std::to_string(endpoint.limits().max_body_bytes) + " bytes")};
  } else {
    reply = {408, error_json(408, "the request body did not arrive: " + why)};
  }
  reply.close = true;
  return reply;
}

}  // namespace codepulse::collector
