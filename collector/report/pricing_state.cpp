// Loading, validating and swapping the collector's prices (pricing_state.hpp).
#include "collector/report/pricing_state.hpp"

#include "common/time.hpp"

namespace codepulse::collector {

Result<std::unique_ptr<PricingState>> PricingState::open(Store& store) {
  std::unique_ptr<PricingState> state(new PricingState(store));
  if (auto s = state->reload(); !s)
    return make_error("cannot load the prices: " + s.error().message);
  return state;
}

std::shared_ptr<const Pricer> PricingState::current() const {
  std::lock_guard lock(mu_);
  return current_;
}

std::optional<StoredBook> PricingState::book_row() const {
  std::lock_guard lock(mu_);
  return book_row_;
}

void PricingState::on_change(Listener listener) {
  std::lock_guard lock(mu_);
  listeners_.push_back(std::move(listener));
}

Status PricingState::reload() {
  auto version = store_.pricing_version();
  if (!version) return version.error();
  auto rows = store_.load_pricing();
  if (!rows) return rows.error();
  auto pricer = pricer_of(*rows);
  if (!pricer) return pricer.error();
  std::vector<Listener> listeners;
  {
    std::lock_guard lock(mu_);
    const bool changed = !current_ || current_->fingerprint() != (*pricer)->fingerprint();
    current_ = *pricer;
    book_row_ = std::move(rows->book);
    if (book_row_) book_row_->body.clear();
    version_ = *version;
    if (changed) listeners = listeners_;
  }
  for (const auto& l : listeners)
    l(*pricer);
  return {};
}

Result<bool> PricingState::refresh() {
  std::lock_guard change(change_mu_);
  auto version = store_.pricing_version();
  if (!version) return version.error();
  {
    std::lock_guard lock(mu_);
    if (*version == version_) return false;
  }
  if (auto s = reload(); !s) return s.error();
  return true;
}

Result<int64_t> PricingState::import_book(std::string_view json, const std::string& source_name,
                                          const std::string& by, const std::string& note) {
  auto book = PriceBook::parse(json, source_name);
  if (!book) return book.error();
  std::lock_guard change(change_mu_);
  for (const RateOverride& o : current()->overrides())
    if (auto s = check_rate_override(o, *book); !s)
      return make_error(s.error().message + "; remove the override first, or keep its family in " +
                        source_name);
  auto id = store_.import_price_book(*book, by, now_utc_ms(), note);
  if (!id) return make_error(kPricesNotStored + id.error().message);
  if (auto s = reload(); !s) return s.error();
  return id;
}

Result<int64_t> PricingState::add_override(std::string_view json, const std::string& by) {
  auto o = parse_rate_override(json, "the override");
  if (!o) return o.error();
  if (o->id != 0 || !o->created_by.empty() || o->created_ms != 0)
    return make_error("the override: 'id', 'created_by' and 'created_ms' are set by the collector");
  std::lock_guard change(change_mu_);
  if (auto s = check_rate_override(*o, current()->book()); !s) return s.error();
  o->created_by = by;
  o->created_ms = now_utc_ms();
  auto id = store_.add_price_override(*o);
  if (!id) return make_error(kPricesNotStored + id.error().message);
  if (auto s = reload(); !s) return s.error();
  return id;
}

Status PricingState::remove_override(int64_t id, const std::string& by) {
  std::lock_guard change(change_mu_);
  if (auto s = store_.remove_price_override(id, by, now_utc_ms()); !s) return s;
  return reload();
}

}  // namespace codepulse::collector
