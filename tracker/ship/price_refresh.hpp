// ship: keeps the tracker's price book current with the collector's. The
// shipper asks `GET /v1/prices` over its own verified connection, with its
// token and `If-None-Match: "<digest of the book in force>"`: 200 brings a
// book (saved to <state>/prices.json and handed to the daemon), 304 and 404
// (an older collector) keep the book. At most one check an hour; a failed
// one is logged and tried again after a shorter wait; shipping never waits
// for it.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "common/log/logger.hpp"
#include "common/pricing/price_book.hpp"
#include "common/result.hpp"
#include "tracker/ship/collector_url.hpp"
#include "tracker/ship/price_book_file.hpp"

namespace codepulse::tracker {

class PriceRefresh {
 public:
  struct Timing {
    int64_t interval_ms = 3'600'000;  // between checks that got an answer
    int64_t retry_ms = 300'000;       // after a check that failed
  };
  using OnBook = std::function<void(std::shared_ptr<const PriceBook>)>;

  // `current`: the book in force at start. The first check is due at once.
  PriceRefresh(std::string state_dir, const PriceBookChoice& current, Logger& log, OnBook on_book,
               Timing timing);
  PriceRefresh(std::string state_dir, const PriceBookChoice& current, Logger& log, OnBook on_book)
      : PriceRefresh(std::move(state_dir), current, log, std::move(on_book), Timing{}) {}

  bool due(int64_t now_ms) const { return now_ms >= next_ms_; }
  // The next check goes before the next batch (SIGHUP, tests).
  void check_soon() { next_ms_ = 0; }
  int64_t next_ms() const { return next_ms_; }
  // The request to send, with the collector token.
  HttpRequest request(const std::string& token) const;
  // The collector's answer to request(), or why there is none.
  void take(const Result<HttpResponse>& response, int64_t now_ms);
  // A check that could not be made (no token): tried again later.
  void failed(const std::string& why, int64_t now_ms);

  const PriceBookStatus& status() const { return status_; }
  const std::shared_ptr<const PriceBook>& book() const { return book_; }

 private:
  void adopt(std::shared_ptr<const PriceBook> book, int64_t now_ms);

  std::string state_dir_;
  Logger& log_;
  OnBook on_book_;
  Timing timing_;
  std::shared_ptr<const PriceBook> book_;
  PriceBookStatus status_;
  int64_t next_ms_ = 0;
  bool told_no_book_ = false;  // an older collector (404) is logged once
};

}  // namespace codepulse::tracker
