// The price endpoints' handlers (prices_routes.hpp).
#include "collector/serve/prices_routes.hpp"

#include <charconv>

#include "collector/report/price_views.hpp"
#include "collector/serve/admin_access.hpp"
#include "collector/serve/routes.hpp"
#include "common/json_writer.hpp"
#include "common/time.hpp"

namespace codepulse::collector {
namespace {

constexpr std::string_view kOverridesPath = "/v1/admin/prices/overrides/";

// True when an If-None-Match header names `etag` (or is "*").
bool etag_matches(std::string_view header, std::string_view etag) {
  while (!header.empty()) {
    const size_t comma = header.find(',');
    std::string_view tag = header.substr(0, comma);
    while (!tag.empty() && tag.front() == ' ')
      tag.remove_prefix(1);
    while (!tag.empty() && tag.back() == ' ')
      tag.remove_suffix(1);
    if (tag.starts_with("W/")) tag.remove_prefix(2);
    if (tag == "*" || tag == etag) return true;
    if (comma == std::string_view::npos) break;
    header.remove_prefix(comma + 1);
  }
  return false;
}

RouteReply json_reply(int status, std::string body) {
  return admin_json(status, std::move(body));
}

RouteReply error_reply(int status, const std::string& message) {
  return admin_error(status, message);
}

// 400 for the input, 503 when the store failed.
RouteReply change_error(const std::string& message) {
  const bool store = message.rfind(kPricesNotStored, 0) == 0;
  return error_reply(store ? 503 : 400, message);
}

// The prices' JSON object with "reports": the prices of the cube reports
// answer from now, and whether a re-priced one is being built.
std::string with_reports(std::string prices, const CubeStats& cube, const Pricer& current) {
  std::string reports;
  JsonWriter w(reports);
  w.begin_object()
      .field("live", cube.ready)
      .field("pricing", cube.pricing)
      .field("pricing_digest", cube.pricing_digest)
      .field("repricing", cube.repricing || cube.pricing_digest != current.fingerprint())
      .field("reprices", cube.reprices)
      .field("reprice_ms", cube.reprice_ms)
      .field("note",
             "reports are re-priced from the stored tokens after every change; until that is "
             "done they answer with the previous prices and say which (\"pricing_digest\")")
      .end_object();
  prices.pop_back();  // '}'
  prices += ",\"reports\":" + reports + "}";
  return prices;
}

// What a change answers: what it did, the prices now, and the re-pricing.
RouteReply changed(PriceRoutes& routes, const char* what, int64_t id) {
  const auto pricer = routes.pricing.current();
  return json_reply(200,
                    with_reports(change_json(what, id, *pricer), routes.reports.stats(), *pricer));
}

RouteReply unpriced(PriceRoutes& routes, const RouteRequest& request) {
  std::string error;
  int64_t bounds[2] = {INT64_MIN, INT64_MAX};
  const char* names[2] = {"since", "until"};
  for (int i = 0; i < 2; ++i) {
    auto text = query_value(request, names[i], error);
    if (!error.empty()) return error_reply(400, error);
    if (!text) continue;
    auto ms = parse_date_bound_ms(*text, 0);
    if (!ms)
      return error_reply(400, std::string(names[i]) +
                                  ": expected YYYY-MM-DD or an ISO 8601 instant, got '" +
                                  text->substr(0, 40) + "'");
    bounds[i] = *ms;
  }
  auto models = routes.store.unpriced_models(*routes.pricing.current(), bounds[0], bounds[1]);
  if (!models) return error_reply(503, "cannot read the records: " + models.error().message);
  return json_reply(200, unpriced_json(*models, bounds[0], bounds[1]));
}

RouteReply remove_override(PriceRoutes& routes, const RouteRequest& request,
                           const std::string& by) {
  std::string_view path = request.target.substr(0, request.target.find('?'));
  path.remove_prefix(kOverridesPath.size());
  int64_t id = 0;
  const auto [end, ec] = std::from_chars(path.data(), path.data() + path.size(), id);
  if (ec != std::errc() || end != path.data() + path.size() || id < 1)
    return error_reply(404, "no price override '" + std::string(path.substr(0, 40)) +
                                "': use DELETE /v1/admin/prices/overrides/ID");
  if (auto s = routes.pricing.remove_override(id, by); !s) {
    const std::string& why = s.error().message;
    if (why.rfind("no price override", 0) == 0) return error_reply(404, why);
    if (why.find("was removed already") != std::string::npos) return error_reply(409, why);
    return error_reply(503, why);
  }
  return changed(routes, "removed", id);
}

}  // namespace

RouteReply price_book(PriceRoutes& routes, const RouteRequest& request) {
  auto who = routes.viewers.identify(web_request(request), false);
  if (auto* r = std::get_if<HttpReply>(&who)) return {std::move(*r)};
  const auto pricer = routes.pricing.current();
  const std::string etag = "\"" + pricer->book().digest() + "\"";
  RouteReply reply;
  reply.headers.emplace_back("ETag", etag);
  reply.headers.emplace_back("Cache-Control", "no-cache");
  if (etag_matches(request.header("If-None-Match"), etag)) {
    reply.http.status = 304;
    return reply;
  }
  reply.http.body = pricer->book().to_json();
  return reply;
}

RouteReply admin_prices(int handler, PriceRoutes& routes, const RouteRequest& request) {
  auto caller = admin_caller(routes.viewers, request, "prices' admin API");
  if (auto* refused = std::get_if<RouteReply>(&caller)) return std::move(*refused);
  const std::string& by = std::get<std::string>(caller);
  switch (handler) {
    case Handler::kAdminPrices: {
      const auto pricer = routes.pricing.current();
      return json_reply(200,
                        with_reports(prices_json(*pricer, routes.pricing.book_row(), now_utc_ms()),
                                     routes.reports.stats(), *pricer));
    }
    case Handler::kAdminPriceHistory: {
      auto history = routes.store.price_history();
      if (!history) return error_reply(503, "cannot read the history: " + history.error().message);
      return json_reply(200, history_json(*history));
    }
    case Handler::kAdminUnpriced:
      return unpriced(routes, request);
    case Handler::kAdminImportBook: {
      std::string error;
      const std::string note = query_value(request, "note", error).value_or("");
      if (!error.empty()) return error_reply(400, error);
      auto id = routes.pricing.import_book(request.body, "the posted book", by, note);
      if (!id) return change_error(id.error().message);
      return changed(routes, "imported", *id);
    }
    case Handler::kAdminAddOverride: {
      auto id = routes.pricing.add_override(request.body, by);
      if (!id) return change_error(id.error().message);
      return changed(routes, "added", *id);
    }
    case Handler::kAdminRemoveOverride:
      return remove_override(routes, request, by);
    default:
      break;
  }
  return error_reply(500, "no handler answers this route");
}

}  // namespace codepulse::collector
