// The budgets' routes (budget_routes.hpp).
#include "collector/serve/budget_routes.hpp"

#include <charconv>

#include "collector/ingest/webhook_json.hpp"
#include "collector/report/budget_state.hpp"
#include "collector/report/budget_views.hpp"
#include "collector/report/store_report.hpp"
#include "collector/serve/admin_access.hpp"
#include "collector/serve/routes.hpp"
#include "common/ascii.hpp"
#include "common/json_writer.hpp"
#include "common/report/people_timeline.hpp"
#include "common/time.hpp"

namespace codepulse::collector {
namespace {

constexpr std::string_view kBudgetsPath = "/v1/admin/budgets/";

// The budget's id in /v1/admin/budgets/ID[/override]; 0 when there is none.
int64_t budget_id(std::string_view target, bool override_path) {
  std::string_view path = target.substr(0, target.find('?'));
  path.remove_prefix(kBudgetsPath.size());
  if (override_path) {
    if (!path.ends_with("/override")) return 0;
    path.remove_suffix(9);
  }
  int64_t id = 0;
  const auto [last, ec] = std::from_chars(path.data(), path.data() + path.size(), id);
  return ec == std::errc() && last == path.data() + path.size() && id > 0 ? id : 0;
}

// 404 for an unknown budget, 409 for an overlap, else `otherwise`.
RouteReply refused(const Error& e, int otherwise) {
  if (e.message.rfind("no budget ", 0) == 0) return admin_error(404, e.message);
  if (e.message.rfind("overlapping budgets", 0) == 0) return admin_error(409, e.message);
  return admin_error(otherwise, e.message);
}

Status read_bool(simdjson::dom::element doc, const char* key, bool& out) {
  auto v = doc[key];
  if (v.error()) return {};
  if (v.get(out)) return make_error(std::string(key) + ": expected true or false");
  return {};
}

// A budget from the posted object; an error names the field.
Result<BudgetRow> posted_budget(simdjson::dom::element doc, bool& allow_unseen) {
  BudgetRow b;
  b.period = "month";
  b.basis = "org";
  b.start_day = day_of_ms(now_utc_ms());
  for (auto [key, out] :
       {std::pair{"scope", &b.scope}, std::pair{"value", &b.value}, std::pair{"period", &b.period},
        std::pair{"basis", &b.basis}, std::pair{"start", &b.start_day},
        std::pair{"end", &b.end_day}, std::pair{"note", &b.note}}) {
    // Absent fields keep their defaults (month, org, today).
    std::string text;
    if (auto ok = webhook_json::read_text(doc, key, key, text); !ok) return ok.error();
    if (!text.empty()) *out = std::move(text);
  }
  if (b.scope.empty())
    return make_error("scope: required (org, person, repo, epic, model, assistant)");
  auto text = webhook_json::read_dollars(doc, "amount_usd", "US dollars a period, e.g. \"500\"");
  if (!text) return text.error();
  auto nanos = parse_budget_amount(*text);
  if (!nanos) return make_error("amount_usd: " + nanos.error().message);
  b.limit_nanos = *nanos;
  if (auto w = doc["warn_percent"]; !w.error()) {
    int64_t pct = 0;
    if (w.get(pct)) return make_error("warn_percent: expected a whole percent from 1 to 99");
    b.warn_percent = pct;
  }
  if (auto ok = read_bool(doc, "enforce", b.enforce); !ok) return ok.error();
  if (auto ok = read_bool(doc, "allow_unseen", allow_unseen); !ok) return ok.error();
  if (auto ok = check_budget(b); !ok) return ok.error();
  return b;
}

RouteReply budget_list(Store& store) {
  auto budgets = store.load_budgets();
  if (!budgets) return admin_error(503, "cannot read the budgets: " + budgets.error().message);
  auto overrides = store.load_budget_overrides();
  if (!overrides)
    return admin_error(503, "cannot read the overrides: " + overrides.error().message);
  return admin_json(200, budgets_json(*budgets, *overrides, now_utc_ms()));
}

RouteReply add_budget(BudgetRoutes& routes, const RouteRequest& request, const std::string& by) {
  simdjson::dom::parser parser;
  auto doc = webhook_json::parse_object(parser, request.body);
  if (!doc) return admin_error(400, doc.error().message);
  bool allow_unseen = false;
  auto b = posted_budget(*doc, allow_unseen);
  if (!b) return admin_error(400, b.error().message);
  if (!allow_unseen) {
    auto seen = budget_value_seen(routes.store, b->scope, b->value);
    if (!seen) return admin_error(503, "cannot read the records: " + seen.error().message);
    if (!*seen) return admin_error(400, unseen_budget_value(*b));
  }
  b->created_by = by;
  b->created_ms = now_utc_ms();
  auto id = routes.store.add_budget(*b);
  if (!id) return refused(id.error(), 503);
  routes.refresher.request();
  auto budgets = routes.store.load_budgets();
  auto overrides = routes.store.load_budget_overrides();
  if (!budgets || !overrides) return admin_error(503, "the budget was added but cannot be read");
  for (const BudgetRow& row : *budgets)
    if (row.id == *id) return admin_json(200, budget_json(row, *overrides, now_utc_ms()));
  return admin_error(503, "the budget was added but cannot be read");
}

RouteReply add_override(BudgetRoutes& routes, const RouteRequest& request, const std::string& by) {
  const int64_t id = budget_id(request.target, true);
  if (id == 0) return admin_error(404, "use POST /v1/admin/budgets/ID/override");
  simdjson::dom::parser parser;
  auto doc = webhook_json::parse_object(parser, request.body);
  if (!doc) return admin_error(400, doc.error().message);
  BudgetOverride o;
  o.budget_id = id;
  if (auto ok = webhook_json::read_time(*doc, "until", "until", true, o.until_ms); !ok)
    return admin_error(400, ok.error().message);
  if (auto ok = webhook_json::read_text(*doc, "reason", "reason", o.reason); !ok)
    return admin_error(400, ok.error().message);
  o.created_by = by;
  o.created_ms = now_utc_ms();
  auto added = routes.store.add_budget_override(o, o.created_ms);
  if (!added) return refused(added.error(), 400);
  routes.refresher.request();
  std::string out;
  JsonWriter(out)
      .begin_object()
      .field("override", *added)
      .field("budget", id)
      .field("until", iso_seconds(o.until_ms))
      .field("reason", o.reason)
      .end_object();
  return admin_json(200, std::move(out));
}

// The budgets a caller of `access` may see (docs/ACCESS.md): all of them
// organisation-wide; else a person's budget when that person is inside the
// scope today (and no privacy floor hides individuals), a team's when the
// team is inside a team or group scope. Budgets of the whole organisation,
// a repository, a model... are organisation-wide.
Result<std::vector<BudgetStatus>> visible_budgets(std::vector<BudgetStatus> all,
                                                  const report::ReportAccess& access,
                                                  Store& store) {
  if (access.scope.whole()) return all;
  auto people = store_people(store);
  if (!people) return people.error();
  const report::ScopeMatcher scope(access.scope, people->get());
  const int64_t today = report::utc_day_of(now_utc_ms());
  const std::string node = ascii_lower(access.scope.name);
  auto team_inside = [&](const std::string& team) {
    if (access.scope.kind != report::AccessScope::Kind::kNode) return false;
    for (const report::PeopleTimeline::Team& t : (*people)->teams())
      if (ascii_lower(t.name) == ascii_lower(team))
        for (const std::string& up : t.path)
          if (ascii_lower(up) == node) return true;
    return false;
  };
  std::erase_if(all, [&](const BudgetStatus& s) {
    if (s.budget.scope == "person")
      return access.min_group_size > 1 || !scope.allows(s.budget.value, today);
    if (s.budget.scope == "team") return !team_inside(s.budget.value);
    return true;
  });
  return all;
}

}  // namespace

RouteReply budget_routes(int handler, BudgetRoutes& routes, const RouteRequest& request) {
  if (handler == Handler::kBudgets) {
    auto who = routes.viewers.identify(web_request(request), true);
    if (auto* r = std::get_if<HttpReply>(&who)) return {std::move(*r)};
    const auto snap = routes.board.snapshot();
    if (!snap) {
      const std::string why = routes.board.error();
      return {{503, error_json(503, "the budgets' state is not worked out yet" +
                                        (why.empty() ? std::string() : ": " + why))}};
    }
    auto visible =
        visible_budgets(snap->statuses, routes.viewers.access(std::get<Viewer>(who)), routes.store);
    if (!visible)
      return {{503,
               error_json(503, "cannot read the people directory now: " + visible.error().message),
               1}};
    return {{200, budget_statuses_json(*visible, snap->computed_ms)}};
  }
  auto caller = admin_caller(routes.viewers, request, "budgets' admin API");
  if (auto* no = std::get_if<RouteReply>(&caller)) return std::move(*no);
  const std::string& by = std::get<std::string>(caller);
  switch (handler) {
    case Handler::kAdminBudgets:
      return budget_list(routes.store);
    case Handler::kAdminAddBudget:
      return add_budget(routes, request, by);
    case Handler::kAdminOverrideBudget:
      return add_override(routes, request, by);
    case Handler::kAdminRemoveBudget: {
      const int64_t id = budget_id(request.target, false);
      if (id == 0) return admin_error(404, "use DELETE /v1/admin/budgets/ID");
      if (auto ok = routes.store.remove_budget(id); !ok) return refused(ok.error(), 503);
      routes.refresher.request();
      std::string out;
      JsonWriter(out).begin_object().field("removed", id).end_object();
      return admin_json(200, std::move(out));
    }
    default:
      break;
  }
  return admin_error(500, "no handler answers this route");
}

}  // namespace codepulse::collector
