// The certificates a collector presents in its TLS handshake, fetched
// without verifying them: `enroll` keeps the one whose SHA-256 it was given
// (trust on first use, anchored by that fingerprint).
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "tracker/ship/collector_url.hpp"

namespace codepulse::tracker {

// PEM text of each certificate the server sent, leaf first.
Result<std::vector<std::string>> fetch_presented_chain(const CollectorEndpoint& endpoint,
                                                       std::chrono::milliseconds timeout);

}  // namespace codepulse::tracker
