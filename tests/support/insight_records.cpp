// Records and prices for the waste and anomaly tests (insight_records.hpp).
#include "tests/support/insight_records.hpp"

#include "tests/support/test_prices.hpp"

namespace codepulse::test {

std::shared_ptr<const Pricer> flat_test_prices() {
  static const std::shared_ptr<const Pricer> pricer = pricer_of(R"({
  "format": 2,
  "revision": "insight-test-1",
  "models": [{"family": "claude-test-1", "periods": [{"input": 1, "output": 1,
              "cache_write_5m": 1, "cache_write_1h": 1, "cache_read": 1}]},
             {"family": "claude-test-big", "periods": [{"input": 10, "output": 10,
              "cache_write_5m": 10, "cache_write_1h": 10, "cache_read": 10}]}]})");
  return pricer;
}

proto::WireRecord thousand_token_record(const std::string& uid, int64_t ts,
                                        const std::string& session, const std::string& model,
                                        const std::string& repo) {
  proto::WireRecord w;
  w.record_uid = uid;
  w.usage.message_id = "msg_" + uid;
  w.usage.request_id = "req_" + uid;
  w.usage.timestamp_ms = ts;
  w.usage.session_id = session;
  w.usage.model = model;
  w.usage.input = 1000;
  w.usage.repo = repo;
  return w;
}

ToolUse tool_call(const std::string& id, const std::string& name, bool error) {
  ToolUse t;
  t.tool_use_id = id;
  t.name = name;
  t.result_seen = error;
  t.error = error;
  return t;
}

ToolUse read_call(const std::string& id, const std::string& path) {
  ToolUse t = tool_call(id, "Read");
  t.path = path;
  t.action = FileAction::kRead;
  return t;
}

}  // namespace codepulse::test
