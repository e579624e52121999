// The prices a collector reports with: the Pricer of its store's book in force
// and active overrides, swapped atomically on every change. Changes made here
// (the CLI, the admin API) are validated first, every error naming the entry,
// and stored with who made them and when; changes made by another process on
// the same database (another collector, the CLI) are noticed by refresh().
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "collector/store/store.hpp"

namespace codepulse::collector {

// The prefix of a change's error when the store failed (not the input).
inline constexpr const char* kPricesNotStored = "the prices could not be stored: ";

class PricingState {
 public:
  // Loads the store's pricing; fails when a stored book or override cannot be read.
  static Result<std::unique_ptr<PricingState>> open(Store& store);

  std::shared_ptr<const Pricer> current() const;
  // The imported book in force (its body left out); nullopt: the builtin book.
  std::optional<StoredBook> book_row() const;
  // Called with the new Pricer after every change of current(), on the
  // thread that made or noticed it; must be quick.
  using Listener = std::function<void(std::shared_ptr<const Pricer>)>;
  void on_change(Listener listener);

  // Validates a book (PriceBook::parse, then every active override against
  // it: an override whose family pattern matches nothing in the new book is
  // an error naming it), stores it as the book in force and returns its id.
  // On any error nothing changes. `source_name` names the book in errors;
  // an error of the store starts with kPricesNotStored.
  Result<int64_t> import_book(std::string_view json, const std::string& source_name,
                              const std::string& by, const std::string& note);
  // An override from its JSON (rate_override_json without id and created_*),
  // checked against the book in force and stored as made by `by` now.
  Result<int64_t> add_override(std::string_view json, const std::string& by);
  Status remove_override(int64_t id, const std::string& by);

  // Reloads when the store's pricing changed since it was last loaded (by
  // another process); true when it did.
  Result<bool> refresh();

 private:
  explicit PricingState(Store& store) : store_(store) {}
  // Loads version and rows (the version first: a change in between is
  // loaded now and again at the next refresh) and swaps them in.
  Status reload();

  Store& store_;
  std::mutex change_mu_;  // one change or reload at a time
  mutable std::mutex mu_;
  std::shared_ptr<const Pricer> current_;
  std::optional<StoredBook> book_row_;
  PricingVersion version_;
  std::vector<Listener> listeners_;
};

}  // namespace codepulse::collector
