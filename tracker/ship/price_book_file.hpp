// ship: which price book the tracker prices with, and where it came from: a
// configured prices_file, else the collector's book saved in
// <state>/prices.json (price_refresh.hpp keeps it current), else the book
// compiled into the binary.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "common/pricing/price_book.hpp"
#include "common/result.hpp"

namespace codepulse::tracker {

// The book in force and how its refresh goes (status file, `status`).
struct PriceBookStatus {
  std::string revision;
  std::string origin;      // "embedded", "collector" or "prices_file"
  std::string path;        // the file it was read from or saved to
  int64_t checked_ms = 0;  // the collector's last answer (200, 304 or 404)
  int64_t changed_ms = 0;  // the last time a new book came from the collector
  std::string last_error;  // of the last check, "" when it worked
  int64_t last_error_ms = 0;
};

struct PriceBookChoice {
  enum class Origin { kEmbedded, kCollector, kPricesFile };
  std::shared_ptr<const PriceBook> book;
  Origin origin = Origin::kEmbedded;
  std::string path;     // the file read ("" for the embedded book)
  std::string warning;  // a saved book that could not be used, and why

  // "embedded", "collector" or "prices_file".
  const char* origin_name() const;
  // For people: "the collector (saved in /x/prices.json)", ...
  std::string describe() const;
  // Revision, origin and path, nothing checked yet; the warning as last_error.
  PriceBookStatus status() const;
};

// <state>/prices.json
std::string saved_book_path(const std::string& state_dir);

// prices_file ("" when not set) wins; else the saved book when it is there
// and valid (an invalid one is named in `warning`); else the embedded book.
// Only a prices_file that cannot be read or parsed is an error.
Result<PriceBookChoice> choose_price_book(const std::string& prices_file,
                                          const std::string& state_dir);

// Saves `book` as <state>/prices.json (canonical JSON, replaced atomically).
Status save_price_book(const std::string& state_dir, const PriceBook& book);

}  // namespace codepulse::tracker
