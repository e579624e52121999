// ship: the collector's store generation on the wire: GET /v1/generation, and
// the "generation" and "backup_time" fields every batch answer and that
// endpoint carry (proto/README.md, "Store generation").
#pragma once

#include <simdjson.h>

#include <optional>
#include <string>

#include "tracker/queue/collector_generation.hpp"
#include "tracker/ship/collector_url.hpp"

namespace codepulse::tracker {

// GET /v1/generation with the collector token.
HttpRequest generation_request(const std::string& token);
// The generation an answer carries; nullopt without one (an older collector)
// or with one that is not a plausible id.
std::optional<CollectorGeneration> generation_in(simdjson::dom::element doc);
// The same from an answer's body.
std::optional<CollectorGeneration> generation_in(const std::string& body);

}  // namespace codepulse::tracker
