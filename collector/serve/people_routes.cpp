// The people directory's admin API (people_routes.hpp).
#include "collector/serve/people_routes.hpp"

#include "collector/ingest/webhook_json.hpp"
#include "collector/report/people_views.hpp"
#include "collector/serve/admin_access.hpp"
#include "collector/serve/routes.hpp"

namespace codepulse::collector {
namespace {

using simdjson::dom::element;

// A string field (absent or null: ""); `what` names it in the error.
Status text_at(element e, const char* key, const std::string& what, std::string& out) {
  auto v = e[key];
  if (v.error() || v.is_null()) return {};
  std::string_view text;
  if (v.get(text)) return make_error(what + ": expected a string");
  out = std::string(text);
  return {};
}

// The array at `key` (absent: empty), each element to `each`.
Status each_at(element e, const char* key, const std::string& what,
               const std::function<Status(element, const std::string&)>& each) {
  auto v = e[key];
  if (v.error() || v.is_null()) return {};
  simdjson::dom::array items;
  if (v.get(items)) return make_error(what + ": expected an array");
  size_t i = 0;
  for (element item : items) {
    if (auto s = each(item, what + "[" + std::to_string(i++) + "]"); !s) return s;
  }
  return {};
}

Status periods_at(element person, const char* key, const char* value, const std::string& who,
                  std::vector<PeriodRow>& out) {
  return each_at(person, key, who + "." + key, [&](element e, const std::string& what) -> Status {
    PeriodRow r;
    if (auto s = text_at(e, value, what + "." + value, r.value); !s) return s;
    if (r.value.empty()) return make_error(what + "." + value + ": required");
    if (auto s = text_at(e, "from", what + ".from", r.from_day); !s) return s;
    if (auto s = text_at(e, "to", what + ".to", r.to_day); !s) return s;
    out.push_back(std::move(r));
    return {};
  });
}

}  // namespace

Result<PeopleRows> parse_people_json(std::string_view body) {
  simdjson::dom::parser parser;
  auto doc = webhook_json::parse_object(parser, body);
  if (!doc) return doc.error();
  PeopleRows d;
  auto s = each_at(*doc, "levels", "levels", [&](element e, const std::string& what) -> Status {
    std::string_view level;
    if (e.get(level)) return make_error(what + ": expected a string");
    d.level_order.emplace_back(level);
    return {};
  });
  if (s)
    s = each_at(*doc, "teams", "teams", [&](element e, const std::string& what) -> Status {
      TeamRow t;
      std::string kind;
      if (auto k = text_at(e, "name", what + ".name", t.name); !k) return k;
      if (auto k = text_at(e, "kind", what + ".kind", kind); !k) return k;
      if (auto k = text_at(e, "parent", what + ".parent", t.parent); !k) return k;
      const auto parsed = parse_team_kind(kind);
      if (!parsed) return make_error(what + ".kind: expected org, group or team");
      t.kind = *parsed;
      d.teams.push_back(std::move(t));
      return {};
    });
  std::vector<std::pair<PersonRow, std::pair<std::vector<PeriodRow>, std::vector<PeriodRow>>>> got;
  if (s)
    s = each_at(*doc, "people", "people", [&](element e, const std::string& what) -> Status {
      PersonRow p;
      auto id = e["id"];
      if (!id.error() && !id.is_null() && id.get(p.id))
        return make_error(what + ".id: expected a number");
      for (auto [key, out] : {std::pair{"name", &p.display_name}, std::pair{"email", &p.email},
                              std::pair{"role", &p.role}, std::pair{"start", &p.start_day},
                              std::pair{"end", &p.end_day}})
        if (auto k = text_at(e, key, what + "." + key, *out); !k) return k;
      if (p.email.empty()) return make_error(what + ".email: required");
      auto active = e["active"];
      if (!active.error() && !active.is_null() && active.get(p.active))
        return make_error(what + ".active: expected true or false");
      if (auto k = each_at(e, "aliases", what + ".aliases",
                           [&](element a, const std::string& where) -> Status {
                             std::string_view alias;
                             if (a.get(alias)) return make_error(where + ": expected a string");
                             p.aliases.emplace_back(alias);
                             return {};
                           });
          !k)
        return k;
      std::vector<PeriodRow> teams, levels;
      if (auto k = periods_at(e, "teams", "team", what, teams); !k) return k;
      if (auto k = periods_at(e, "levels", "level", what, levels); !k) return k;
      got.push_back({std::move(p), {std::move(teams), std::move(levels)}});
      return {};
    });
  if (!s) return s.error();
  // Given ids as they are (check_people refuses one twice); then the
  // people without one take the next free ids.
  auto keep = [](int64_t id, const std::vector<PeriodRow>& from, std::vector<PeriodRow>& to) {
    for (PeriodRow r : from) {
      r.person_id = id;
      to.push_back(std::move(r));
    }
  };
  for (auto& [p, periods] : got) {
    if (p.id <= 0) continue;
    d.people.push_back(p);
    keep(p.id, periods.first, d.memberships);
    keep(p.id, periods.second, d.levels);
  }
  for (auto& [p, periods] : got) {
    if (p.id > 0) continue;
    if (auto id = upsert_person(d, p, periods.first, periods.second); !id) return id.error();
  }
  return d;
}

RouteReply admin_people(int handler, PeopleRoutes& routes, const RouteRequest& request) {
  auto caller = admin_caller(routes.viewers, request, "people admin API");
  if (auto* no = std::get_if<RouteReply>(&caller)) return std::move(*no);
  switch (handler) {
    case Handler::kAdminPeople: {
      auto d = routes.store.load_people();
      if (!d) return admin_error(503, "cannot read the people directory: " + d.error().message);
      return admin_json(200, people_json(*d));
    }
    case Handler::kAdminPutPeople: {
      auto d = parse_people_json(request.body);
      if (!d) return admin_error(400, d.error().message);
      normalize_people(*d);
      if (auto ok = check_people(*d); !ok) return admin_error(400, ok.error().message);
      if (auto ok = routes.store.edit_people([&](PeopleRows& rows) {
            rows = *d;
            return Status{};
          });
          !ok)
        return admin_error(503, "the people directory was not stored: " + ok.error().message);
      auto stored = routes.store.load_people();
      if (!stored)
        return admin_error(503, "cannot read the people directory: " + stored.error().message);
      return admin_json(200, people_json(*stored));
    }
    case Handler::kAdminUnmappedPeople: {
      auto authors = unmapped_authors(routes.store);
      if (!authors) return admin_error(503, authors.error().message);
      return admin_json(200, unmapped_json(*authors));
    }
    default:
      break;
  }
  return admin_error(500, "no handler answers this route");
}

}  // namespace codepulse::collector
