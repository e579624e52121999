// Hand-made records and a flat price book for the tests of the waste ledger
// and the anomalies (docs/WASTE.md, docs/ANOMALIES.md).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/pricing/pricer.hpp"
#include "proto/wire_batch.hpp"

namespace codepulse::test {

// claude-test-1 at $1 per million tokens of every kind (1000 input tokens:
// 1,000,000 nano-dollars) and claude-test-big at $10.
std::shared_ptr<const Pricer> flat_test_prices();

// A request of 1000 input tokens of `model` in `session` and `repo`.
proto::WireRecord thousand_token_record(const std::string& uid, int64_t ts,
                                        const std::string& session, const std::string& model,
                                        const std::string& repo);

// A tool call as the tracker ships it; a failed one (`error`) has its result seen.
ToolUse tool_call(const std::string& id, const std::string& name, bool error = false);
// A Read of `path`.
ToolUse read_call(const std::string& id, const std::string& path);

}  // namespace codepulse::test
