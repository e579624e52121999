// The tracker's price book: prices_file, the collector's saved book or the
// embedded one; saving the collector's book atomically.
#include "tracker/ship/price_book_file.hpp"

#include <sys/stat.h>

#include "common/atomic_file.hpp"

namespace codepulse::tracker {

const char* PriceBookChoice::origin_name() const {
  switch (origin) {
    case Origin::kCollector:
      return "collector";
    case Origin::kPricesFile:
      return "prices_file";
    case Origin::kEmbedded:
      break;
  }
  return "embedded";
}

std::string PriceBookChoice::describe() const {
  switch (origin) {
    case Origin::kCollector:
      return "the collector (saved in " + path + ")";
    case Origin::kPricesFile:
      return "prices_file " + path + " (the collector's book is not fetched)";
    case Origin::kEmbedded:
      break;
  }
  return "the book built into this tracker";
}

PriceBookStatus PriceBookChoice::status() const {
  PriceBookStatus s;
  s.revision = book->revision();
  s.origin = origin_name();
  s.path = path;
  s.last_error = warning;
  return s;
}

std::string saved_book_path(const std::string& state_dir) {
  return state_dir + "/prices.json";
}

Result<PriceBookChoice> choose_price_book(const std::string& prices_file,
                                          const std::string& state_dir) {
  PriceBookChoice choice;
  if (!prices_file.empty()) {
    auto book = PriceBook::load_file(prices_file);
    if (!book) return book.error();
    choice.book = std::make_shared<const PriceBook>(std::move(book).value());
    choice.origin = PriceBookChoice::Origin::kPricesFile;
    choice.path = prices_file;
    return choice;
  }
  const std::string saved = saved_book_path(state_dir);
  struct stat st {};
  if (::stat(saved.c_str(), &st) == 0) {
    auto book = PriceBook::load_file(saved);
    if (book) {
      choice.book = std::make_shared<const PriceBook>(std::move(book).value());
      choice.origin = PriceBookChoice::Origin::kCollector;
      choice.path = saved;
      return choice;
    }
    choice.warning = "the saved price book is not used (" + book.error().message +
                     "); pricing with the book built into this tracker";
  }
  choice.book = PriceBook::builtin();
  return choice;
}

Status save_price_book(const std::string& state_dir, const PriceBook& book) {
  return write_file_atomically(saved_book_path(state_dir), book.to_json(), 0600);
}

}  // namespace codepulse::tracker
