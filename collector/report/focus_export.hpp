// A month of AI assistant spend as a FinOps FOCUS 1.2 dataset
// (docs/FOCUS_EXPORT.md): usage charges per UTC day, assistant, model,
// repository, branch, author, task and epic, and each seat's charge as a
// purchase, rendered as CSV with exact decimals.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "collector/store/store.hpp"

namespace codepulse::collector {

// One row of the dataset. Money in nano-dollars; quantities in tokens (usage)
// or seat-days (a purchase).
struct FocusRow {
  bool purchase = false;            // ChargeCategory "Purchase" (a seat), else "Usage"
  std::string day;                  // the charge period's first UTC day
  std::string until_day;            // the day after its last
  int64_t billed_nanos = 0;         // BilledCost
  int64_t contracted_nanos = 0;     // ContractedCost: at the organisation's rates
  int64_t list_nanos = 0;           // ListCost
  int64_t effective_nanos = 0;      // EffectiveCost: seats spread
  int64_t quantity = 0;             // PricingQuantity (and ConsumedQuantity of usage)
  std::string pricing_category;     // "Standard", "Other"
  std::string provider, publisher;  // ProviderName (also InvoiceIssuerName), PublisherName
  std::string service;              // ServiceName: the assistant's product
  std::string resource_id, resource_name, resource_type;
  std::string sku;  // SkuId and SkuPriceId
  std::string description;
  std::vector<std::pair<std::string, std::string>> tags;  // in order, each key once
  bool idle_seat = false;                                 // a purchase spread on no usage
  // Usage only (x_ columns): records, unpriced records and the token kinds.
  int64_t records = 0, unpriced_records = 0;
  int64_t input = 0, cache_write = 0, cache_read = 0, output = 0;
};

struct FocusExport {
  std::string month, since_day, until_day;  // the billing period [since_day, until_day)
  std::vector<FocusRow> rows;               // usage by day and keys, then purchases by seat
};

// The dataset of `month` ("2026-11") from `store`, priced with the store's
// pricing in force. `max_nodes` bounds the report it reads (0: none).
Result<FocusExport> focus_month(Store& store, const std::string& month, size_t max_nodes = 0);

// The FOCUS columns written, in order, then the custom (x_) ones.
const std::vector<std::string_view>& focus_columns();

// The CSV (RFC 4180, a header row first): decimals exact from the
// nano-dollars, date/times as "2026-11-01T00:00:00Z", Tags a JSON object, an
// empty cell for null; text through report::csv_text_cell.
std::string render_focus_csv(const FocusExport& e);

}  // namespace codepulse::collector
