// The test price server: the served book and the answer to each request.
#include "tests/support/price_server.hpp"

namespace codepulse::test {
namespace {

constexpr std::string_view kServedBook = R"({
  "format": 2,
  "revision": "collector-2026-12-05",
  "source": "the collector's book, for a test",
  "server_tools": [{"tool": "web_search", "usd_per_1000": 10}],
  "models": [{"family": "claude-test-9", "periods": [{"input": 1, "output": 2,
              "cache_write_5m": 3, "cache_write_1h": 4, "cache_read": 0.5}]}]})";

}  // namespace

PriceServer::PriceServer(const std::string& cert, const std::string& key)
    : book_(PriceBook::parse(kServedBook, "served").value()),
      peer_(cert, key, [this](const PeerRequest& r) { return answer(r); }) {}

void PriceServer::serve(Serve mode) {
  std::lock_guard lock(mu_);
  mode_ = mode;
}

std::vector<PeerRequest> PriceServer::gets() {
  std::vector<PeerRequest> out;
  for (PeerRequest& r : peer_.requests())
    if (r.method == "GET" && r.target == "/v1/prices") out.push_back(std::move(r));
  return out;
}

std::string PriceServer::answer(const PeerRequest& r) {
  if (r.method == "POST") return http_response(200, {}, receipt_for(r.body));
  if (r.target != "/v1/prices") return http_response(404, {}, "{}");
  Serve mode;
  {
    std::lock_guard lock(mu_);
    mode = mode_;
  }
  const std::string etag = "\"" + book_.digest() + "\"";
  switch (mode) {
    case Serve::kBook:
      if (r.header("If-None-Match") == etag) return http_response(304, {"ETag: " + etag}, "");
      return http_response(200, {"ETag: " + etag, "Content-Type: application/json"},
                           book_.to_json());
    case Serve::kNotFound:
      return http_response(404, {}, R"({"error":"not found","status":404})");
    case Serve::kBrokenJson:
      return http_response(200, {"ETag: \"x\""}, book_.to_json().substr(0, 40));
    case Serve::kBadBook: {
      std::string json = book_.to_json();
      json.replace(json.find("\"revision\""), 10, "\"revisoin\"");
      return http_response(200, {"ETag: \"y\""}, json);
    }
    case Serve::kServerError:
      break;
  }
  return http_response(503, {}, R"({"error":"busy","status":503})");
}

}  // namespace codepulse::test
