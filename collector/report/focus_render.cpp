// A month's FOCUS dataset as CSV (focus_export.hpp): the columns in the
// specification's order, then the custom x_ ones; numbers written as they
// are (exact decimals of the nano-dollars, integers), every text cell through
// report::csv_text_cell, Tags a JSON object made by JsonWriter.
#include "collector/report/focus_export.hpp"
#include "common/json_writer.hpp"
#include "common/pricing/price_book.hpp"
#include "common/report/output_sinks.hpp"

namespace codepulse::collector {
namespace {

constexpr int64_t kNanosPerDollar = 1'000'000'000;

// "12.5" from 12500000000: exact, no trailing zeros, "-" only when negative.
std::string dollars(int64_t nanos) {
  return format_decimal(nanos, kNanosPerDollar, 9);
}

std::string date_time(const std::string& day) {
  return day + "T00:00:00Z";
}

std::string tags_json(const FocusRow& r) {
  std::string out;
  JsonWriter w(out);
  w.begin_object();
  for (const auto& [key, value] : r.tags)
    w.field(key, value);
  if (r.idle_seat) w.field("idle_seat", true);
  w.end_object();
  return out;
}

}  // namespace

const std::vector<std::string_view>& focus_columns() {
  static const std::vector<std::string_view> columns = {"BilledCost",         "BillingAccountId",
                                                        "BillingAccountName", "BillingCurrency",
                                                        "BillingPeriodEnd",   "BillingPeriodStart",
                                                        "ChargeCategory",     "ChargeClass",
                                                        "ChargeDescription",  "ChargeFrequency",
                                                        "ChargePeriodEnd",    "ChargePeriodStart",
                                                        "ConsumedQuantity",   "ConsumedUnit",
                                                        "ContractedCost",     "EffectiveCost",
                                                        "InvoiceIssuerName",  "ListCost",
                                                        "PricingCategory",    "PricingQuantity",
                                                        "PricingUnit",        "ProviderName",
                                                        "PublisherName",      "ResourceId",
                                                        "ResourceName",       "ResourceType",
                                                        "ServiceCategory",    "ServiceName",
                                                        "ServiceSubcategory", "SkuId",
                                                        "SkuPriceId",         "Tags",
                                                        "x_Records",          "x_UnpricedRecords",
                                                        "x_InputTokens",      "x_CacheWriteTokens",
                                                        "x_CacheReadTokens",  "x_OutputTokens"};
  return columns;
}

std::string render_focus_csv(const FocusExport& e) {
  std::string out;
  for (std::string_view c : focus_columns()) {
    if (!out.empty()) out += ',';
    out += c;
  }
  out += '\n';
  const std::string period_start = date_time(e.since_day), period_end = date_time(e.until_day);
  for (const FocusRow& r : e.rows) {
    const std::string tokens = r.purchase ? "" : std::to_string(r.quantity);
    auto count = [&r](int64_t n) { return r.purchase ? std::string() : std::to_string(n); };
    const std::string cells[] = {dollars(r.billed_nanos),
                                 report::csv_text_cell("codepulse/" + r.provider),
                                 "",  // BillingAccountName: not known
                                 "USD",
                                 period_end,
                                 period_start,
                                 r.purchase ? "Purchase" : "Usage",
                                 "",  // ChargeClass: no row corrects an invoiced period
                                 report::csv_text_cell(r.description),
                                 r.purchase ? "Recurring" : "Usage-Based",
                                 date_time(r.until_day),
                                 date_time(r.day),
                                 tokens,
                                 r.purchase ? "" : "Tokens",
                                 dollars(r.contracted_nanos),
                                 dollars(r.effective_nanos),
                                 report::csv_text_cell(r.provider),
                                 dollars(r.list_nanos),
                                 r.pricing_category,
                                 std::to_string(r.quantity),
                                 r.purchase ? "Seat-Days" : "Tokens",
                                 report::csv_text_cell(r.provider),
                                 report::csv_text_cell(r.publisher),
                                 report::csv_text_cell(r.resource_id),
                                 report::csv_text_cell(r.resource_name),
                                 r.resource_type,
                                 "AI and Machine Learning",
                                 report::csv_text_cell(r.service),
                                 "Generative AI",
                                 report::csv_text_cell(r.sku),
                                 report::csv_text_cell(r.sku),
                                 report::csv_text_cell(tags_json(r)),
                                 count(r.records),
                                 count(r.unpriced_records),
                                 count(r.input),
                                 count(r.cache_write),
                                 count(r.cache_read),
                                 count(r.output)};
    static_assert(sizeof cells / sizeof cells[0] == 38, "one cell per column");
    bool first = true;
    for (const std::string& cell : cells) {
      if (!first) out += ',';
      first = false;
      out += cell;
    }
    out += '\n';
  }
  return out;
}

}  // namespace codepulse::collector
