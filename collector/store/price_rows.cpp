// What every store makes of its price rows: the Pricer of the book in force
// and the active overrides, the history in order, and the unpriced models.
#include "collector/store/price_rows.hpp"

#include <algorithm>
#include <utility>

#include "common/time.hpp"

namespace codepulse::collector {
namespace {

int kind_rank(PriceChange::Kind kind) {
  switch (kind) {
    case PriceChange::Kind::kOverrideRemoved:
      return 2;
    case PriceChange::Kind::kOverrideAdded:
      return 1;
    case PriceChange::Kind::kImport:
      return 0;
  }
  return 0;
}

// The parts of [since, until) no period of `entry` covers, in time order.
std::vector<std::pair<int64_t, int64_t>> uncovered(const ModelEntry& entry, int64_t since,
                                                   int64_t until) {
  std::vector<std::pair<int64_t, int64_t>> gaps;
  int64_t at = since;
  for (const PricePeriod& p : entry.periods) {
    if (at >= until) break;
    if (p.until_ms <= at) continue;
    if (p.from_ms > at) gaps.emplace_back(at, std::min(p.from_ms, until));
    at = std::max(at, p.until_ms);
  }
  if (at < until) gaps.emplace_back(at, until);
  return gaps;
}

}  // namespace

const char* price_change_name(PriceChange::Kind kind) {
  switch (kind) {
    case PriceChange::Kind::kImport:
      return "import";
    case PriceChange::Kind::kOverrideAdded:
      return "override added";
    case PriceChange::Kind::kOverrideRemoved:
      return "override removed";
  }
  return "import";
}

std::vector<PriceChange> price_history(const std::vector<StoredBook>& books,
                                       const std::vector<StoredOverride>& overrides) {
  std::vector<PriceChange> out;
  for (const StoredBook& b : books) {
    PriceChange c;
    c.kind = PriceChange::Kind::kImport;
    c.id = b.id;
    c.by = b.imported_by;
    c.at_ms = b.imported_ms;
    c.revision = b.revision;
    c.digest = b.digest;
    c.note = b.note;
    out.push_back(std::move(c));
  }
  for (const StoredOverride& o : overrides) {
    PriceChange c;
    c.kind = PriceChange::Kind::kOverrideAdded;
    c.id = o.id;
    c.by = o.created_by;
    c.at_ms = o.created_ms;
    c.override_json = o.body;
    if (o.removed_ms) {
      PriceChange r = c;
      r.kind = PriceChange::Kind::kOverrideRemoved;
      r.by = o.removed_by.value_or("");
      r.at_ms = *o.removed_ms;
      out.push_back(std::move(r));
    }
    out.push_back(std::move(c));
  }
  std::stable_sort(out.begin(), out.end(), [](const PriceChange& a, const PriceChange& b) {
    if (a.at_ms != b.at_ms) return a.at_ms > b.at_ms;
    if (kind_rank(a.kind) != kind_rank(b.kind)) return kind_rank(a.kind) > kind_rank(b.kind);
    return a.id > b.id;
  });
  return out;
}

Error removal_refused(int64_t id, const std::optional<StoredOverride>& found) {
  if (!found) return make_error("no price override with id " + std::to_string(id));
  return make_error("price override " + std::to_string(id) + " was removed already, at " +
                    format_iso8601_utc_ms(found->removed_ms.value_or(0)) + " by " +
                    found->removed_by.value_or("?"));
}

Result<ModelUsage> one_model_usage(Result<std::vector<ModelUsage>> rows, const std::string& model) {
  if (!rows) return rows.error();
  if (rows->empty()) return ModelUsage{model, 0, 0, 0, 0};
  return std::move(rows->front());
}

Result<RateOverride> override_of(const StoredOverride& row) {
  auto o = parse_rate_override(row.body, "price_overrides row " + std::to_string(row.id));
  if (!o) return o.error();
  o->id = row.id;
  o->created_by = row.created_by;
  o->created_ms = row.created_ms;
  return o;
}

Result<std::shared_ptr<const Pricer>> pricer_of(const PricingRows& rows) {
  std::shared_ptr<const PriceBook> book = PriceBook::builtin();
  if (rows.book) {
    auto parsed =
        PriceBook::parse(rows.book->body, "price_books row " + std::to_string(rows.book->id));
    if (!parsed) return parsed.error();
    book = std::make_shared<const PriceBook>(std::move(parsed).value());
  }
  std::vector<RateOverride> overrides;
  for (const StoredOverride& row : rows.overrides) {
    auto o = override_of(row);
    if (!o) return o.error();
    overrides.push_back(std::move(o).value());
  }
  return std::shared_ptr<const Pricer>(std::make_shared<const Pricer>(book, std::move(overrides)));
}

Result<std::vector<UnpricedModel>> find_unpriced(const Pricer& pricer,
                                                 const std::vector<ModelUsage>& by_model,
                                                 int64_t since_ms, int64_t until_ms,
                                                 const ModelRangeUsage& range) {
  std::vector<UnpricedModel> out;
  for (const ModelUsage& m : by_model) {
    if (m.requests == 0) continue;
    const ModelEntry* entry = pricer.entry_for(m.model);
    if (!entry) {
      out.push_back({m.model, "", m.requests, m.tokens, m.first_ms, m.last_ms});
      continue;
    }
    // Only the times the records span can hold unpriced ones.
    const int64_t lo = std::max(since_ms, m.first_ms);
    const int64_t hi = m.last_ms == INT64_MAX ? until_ms : std::min(until_ms, m.last_ms + 1);
    UnpricedModel u{m.model, entry->family, 0, 0, INT64_MAX, INT64_MIN};
    for (const auto& [from, until] : uncovered(*entry, lo, hi)) {
      auto part = range(m.model, from, until);
      if (!part) return part.error();
      if (part->requests == 0) continue;
      u.requests += part->requests;
      u.tokens += part->tokens;
      u.first_ms = std::min(u.first_ms, part->first_ms);
      u.last_ms = std::max(u.last_ms, part->last_ms);
    }
    if (u.requests > 0) out.push_back(std::move(u));
  }
  std::sort(out.begin(), out.end(), [](const UnpricedModel& a, const UnpricedModel& b) {
    return a.requests != b.requests ? a.requests > b.requests : a.model < b.model;
  });
  return out;
}

}  // namespace codepulse::collector
