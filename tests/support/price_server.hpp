// A collector's price book endpoint for tests: GET /v1/prices serves a small
// book (one family, claude-test-9) with ETag "<digest>" and answers 304 when
// If-None-Match names it, or misbehaves as asked; POST /v1/batches gets a
// receipt that takes every record.
#pragma once

#include <mutex>
#include <string>
#include <vector>

#include "common/pricing/price_book.hpp"
#include "tests/support/tls_peer.hpp"

namespace codepulse::test {

// What the price server answers to GET /v1/prices.
enum class Serve { kBook, kNotFound, kBrokenJson, kBadBook, kServerError };

class PriceServer {
 public:
  PriceServer(const std::string& cert, const std::string& key);
  int port() const { return peer_.port(); }
  void serve(Serve mode);
  const PriceBook& book() const { return book_; }
  std::vector<PeerRequest> requests() { return peer_.requests(); }
  std::vector<PeerRequest> gets();  // the price book requests

 private:
  std::string answer(const PeerRequest& r);

  PriceBook book_;
  std::mutex mu_;
  Serve mode_ = Serve::kBook;
  HttpsPeer peer_;
};

}  // namespace codepulse::test
