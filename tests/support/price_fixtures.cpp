#include "tests/support/price_fixtures.hpp"

#include <stdexcept>

#include "common/pricing/record_pricing.hpp"

namespace codepulse::test {
namespace {

constexpr int64_t kStart = 1'770'681'600'000;  // 2026-02-10T00:00:00Z
constexpr int64_t kHour = 3'600'000;

proto::BatchHeader header_of(const std::string& batch_id, size_t n) {
  proto::BatchHeader h;
  h.tracker_version = "0.1.0";
  h.device_id = "0123456789abcdef0123456789abcdef";
  h.batch_id = batch_id;
  h.record_count = static_cast<int64_t>(n);
  h.created_ms = kStart;
  return h;
}

}  // namespace

std::string book_with(const std::string& revision, const std::vector<std::string>& family_json) {
  std::string book = PriceBook::builtin()->to_json();
  const std::string old = "\"revision\":\"" + PriceBook::builtin()->revision() + "\"";
  const auto at = book.find(old);
  if (at == std::string::npos) throw std::runtime_error("no revision in the builtin book");
  book.replace(at, old.size(), "\"revision\":\"" + revision + "\"");
  const std::string models = "\"models\":[";
  auto m = book.find(models);
  if (m == std::string::npos) throw std::runtime_error("no models in the builtin book");
  m += models.size();
  for (const std::string& f : family_json) {
    book.insert(m, f + ",");
    m += f.size() + 1;
  }
  return book;
}

std::vector<proto::WireRecord> pricing_records(int n, const std::string& prefix) {
  std::vector<proto::WireRecord> out;
  for (int i = 0; i < n; ++i) {
    proto::WireRecord w;
    w.record_uid = prefix + "-" + std::to_string(i);
    w.revision = 1;
    UsageRecord& r = w.usage;
    r.message_id = "msg_" + w.record_uid;
    r.request_id = "req_" + w.record_uid;
    r.timestamp_ms = kStart + (i % 40) * 7 * kHour + i * 1000;  // over about twelve days
    r.session_id = prefix + "-session-" + std::to_string(i % 4);
    r.turn_id = prefix + "-turn-" + std::to_string(i / 3);
    r.input = 10 + i;
    r.output = 200 + 7 * i;
    r.cache_create_5m = 1000 + 13 * i;
    r.cache_create_1h = i % 2 ? 300 : 0;
    r.cache_read = 20'000 + 101 * i;
    r.repo = "github.com/acme/api";
    r.branch = "main";
    r.cost_nanos = 999;  // the tracker's: never read
    switch (i % 6) {
      case 0:
        r.model = "claude-opus-4-6";
        r.inference_geo = "us";
        break;
      case 1:
        r.model = "claude-opus-4-6";
        r.fast = true;
        r.cache_read = 210'000 + i;  // long context before 2026-03-13
        break;
      case 2:
        r.model = "us.anthropic.claude-sonnet-4-5-20250929-v1:0";
        break;
      case 3:
        r.model = "claude-haiku-4-5-20251001";
        r.web_search_requests = 1 + i % 3;
        break;
      case 4:
        r.model = kGatewayModel;
        break;
      default:
        r.model = "claude-3-5-sonnet-20241022";  // retired on 2025-10-28
        break;
    }
    out.push_back(std::move(w));
  }
  return out;
}

Recomputed recompute(const Pricer& pricer, const std::vector<proto::WireRecord>& records) {
  Recomputed out;
  for (const proto::WireRecord& w : records) {
    const PricedUsage p = pricer.price(to_price(w.usage));
    if (!p.list_nanos) {
      ++out.unpriced;
      continue;
    }
    out.list_nanos += *p.list_nanos;
    out.org_nanos += *p.org_nanos;
  }
  return out;
}

std::string batch_body(const std::string& batch_id, const std::vector<proto::WireRecord>& records) {
  auto b = proto::encode(header_of(batch_id, records.size()), records);
  if (!b) throw std::runtime_error(b.error().message);
  return *b;
}

proto::DecodedBatch decoded_batch(const std::string& batch_id,
                                  const std::vector<proto::WireRecord>& records) {
  auto d = proto::decode_json(proto::encode_json(header_of(batch_id, records.size()), records), {});
  if (!d) throw std::runtime_error(d.error().message);
  return std::move(d).value();
}

}  // namespace codepulse::test
