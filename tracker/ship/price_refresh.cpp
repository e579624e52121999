// The price book refresh: the request, and what each answer of the
// collector does to the book in force.
#include "tracker/ship/price_refresh.hpp"

#include <utility>

namespace codepulse::tracker {

PriceRefresh::PriceRefresh(std::string state_dir, const PriceBookChoice& current, Logger& log,
                           OnBook on_book, Timing timing)
    : state_dir_(std::move(state_dir)),
      log_(log),
      on_book_(std::move(on_book)),
      timing_(timing),
      book_(current.book),
      status_(current.status()) {}

HttpRequest PriceRefresh::request(const std::string& token) const {
  HttpRequest req;
  req.method = "GET";
  req.target = "/v1/prices";
  req.headers = {{"Authorization", "Bearer " + token},
                 {"Accept", "application/json"},
                 {"If-None-Match", "\"" + book_->digest() + "\""}};
  return req;
}

void PriceRefresh::failed(const std::string& why, int64_t now_ms) {
  status_.last_error = why;
  status_.last_error_ms = now_ms;
  next_ms_ = now_ms + timing_.retry_ms;
  log_.warn("prices", why + "; keeping price book " + book_->revision() + ", trying again in " +
                          std::to_string(timing_.retry_ms / 1000) + " s");
}

void PriceRefresh::take(const Result<HttpResponse>& response, int64_t now_ms) {
  if (!response) {
    failed("cannot fetch the collector's price book: " + response.error().message, now_ms);
    return;
  }
  const int code = response->status;
  if (code != 200 && code != 304 && code != 404) {
    failed("the collector answered " + std::to_string(code) + " to GET /v1/prices", now_ms);
    return;
  }
  next_ms_ = now_ms + timing_.interval_ms;
  status_.checked_ms = now_ms;
  status_.last_error.clear();
  if (code == 304) {
    log_.debug("prices", "price book " + book_->revision() + " is the collector's");
    return;
  }
  if (code == 404) {
    // A collector older than the price book endpoint: its records are priced
    // there anyway; this tracker keeps its own book.
    if (!told_no_book_)
      log_.info("prices", "the collector serves no price book (an older collector); keeping " +
                              book_->revision());
    told_no_book_ = true;
    return;
  }
  auto parsed = PriceBook::parse(response->body, "the collector's price book");
  if (!parsed) {
    status_.last_error = parsed.error().message;
    status_.last_error_ms = now_ms;
    log_.error("prices", "ignoring a price book the collector sent: " + parsed.error().message +
                             "; keeping " + book_->revision());
    return;
  }
  auto book = std::make_shared<const PriceBook>(std::move(parsed).value());
  if (book->digest() == book_->digest()) return;  // the same book
  adopt(std::move(book), now_ms);
}

void PriceRefresh::adopt(std::shared_ptr<const PriceBook> book, int64_t now_ms) {
  const std::string was = book_->revision();
  if (auto s = save_price_book(state_dir_, *book); !s) {
    // Used now all the same; the next start uses the book saved before.
    status_.last_error = "cannot save the collector's price book: " + s.error().message;
    status_.last_error_ms = now_ms;
    log_.error("prices", status_.last_error);
  } else {
    status_.path = saved_book_path(state_dir_);
  }
  book_ = std::move(book);
  status_.revision = book_->revision();
  status_.origin = "collector";
  status_.changed_ms = now_ms;
  log_.info("prices",
            "pricing with the collector's price book " + book_->revision() + " (was " + was + ")");
  if (on_book_) on_book_(book_);
}

}  // namespace codepulse::tracker
