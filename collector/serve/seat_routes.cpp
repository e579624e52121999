// The seats' admin API (seat_routes.hpp).
#include "collector/serve/seat_routes.hpp"

#include <charconv>

#include "collector/ingest/webhook_json.hpp"
#include "collector/report/seat_views.hpp"
#include "collector/serve/admin_access.hpp"
#include "collector/serve/routes.hpp"
#include "common/json_writer.hpp"
#include "common/time.hpp"

namespace codepulse::collector {
namespace {

constexpr std::string_view kSeatsPath = "/v1/admin/seats/";

// 404 for an unknown seat, else 400 (the input).
RouteReply refused(const Error& e) {
  return admin_error(e.message.rfind("no seat ", 0) == 0 ? 404 : 400, e.message);
}

// A change the checks passed that the store then failed: 409 when another
// change came first (its check in the store's transaction), else 503.
RouteReply not_stored(const Error& e) {
  const bool raced =
      e.message.find(" already holds ") != std::string::npos || e.message.rfind("no seat ", 0) == 0;
  return admin_error(raced ? 409 : 503, e.message);
}

// The seat's id in /v1/admin/seats/ID[/end]; 0 when there is none.
int64_t seat_id(std::string_view target, bool end) {
  std::string_view path = target.substr(0, target.find('?'));
  path.remove_prefix(kSeatsPath.size());
  if (end) {
    if (!path.ends_with("/end")) return 0;
    path.remove_suffix(4);
  }
  int64_t id = 0;
  const auto [last, ec] = std::from_chars(path.data(), path.data() + path.size(), id);
  return ec == std::errc() && last == path.data() + path.size() && id > 0 ? id : 0;
}

// The seat's JSON as stored (the store lower-cases the assignee).
RouteReply stored_seat(Store& store, int64_t id) {
  auto seats = store.load_seats();
  if (!seats) return admin_error(503, "cannot read the seats: " + seats.error().message);
  for (const SeatRow& s : *seats)
    if (s.id == id) return admin_json(200, seat_json(s));
  return admin_error(404, "no seat " + std::to_string(id));
}

// A seat from the posted object; an error names the field.
Result<SeatRow> posted_seat(std::string_view body) {
  simdjson::dom::parser parser;
  auto doc = webhook_json::parse_object(parser, body);
  if (!doc) return doc.error();
  SeatRow s;
  for (auto [key, out] : {std::pair{"plan", &s.plan}, std::pair{"assistant", &s.assistant},
                          std::pair{"assignee", &s.assignee}, std::pair{"start", &s.start_day},
                          std::pair{"end", &s.end_day}})
    if (auto ok = webhook_json::read_text(*doc, key, key, *out); !ok) return ok.error();
  if (auto note = (*doc)["note"]; !note.error()) {
    std::string_view text;
    if (note.get(text)) return make_error("note: expected a string");
    s.note = std::string(text);
  }
  auto text = webhook_json::read_dollars(*doc, "monthly_usd", "US dollars a month, e.g. \"200\"");
  if (!text) return text.error();
  auto nanos = parse_seat_price(*text);
  if (!nanos) return make_error("monthly_usd: " + nanos.error().message);
  s.monthly_nanos = *nanos;
  return s;
}

}  // namespace

RouteReply admin_seats(int handler, SeatRoutes& routes, const RouteRequest& request) {
  auto caller = admin_caller(routes.viewers, request, "seats' admin API");
  if (auto* no = std::get_if<RouteReply>(&caller)) return std::move(*no);
  const std::string& by = std::get<std::string>(caller);
  switch (handler) {
    case Handler::kAdminSeats: {
      auto seats = routes.store.load_seats();
      if (!seats) return admin_error(503, "cannot read the seats: " + seats.error().message);
      return admin_json(200, seats_json(*seats));
    }
    case Handler::kAdminAddSeat: {
      auto seat = posted_seat(request.body);
      if (!seat) return admin_error(400, seat.error().message);
      seat->created_by = by;
      seat->created_ms = now_utc_ms();
      auto seats = routes.store.load_seats();
      if (!seats) return admin_error(503, "cannot read the seats: " + seats.error().message);
      if (auto row = seat_to_add(*seat, *seats); !row) return refused(row.error());
      auto id = routes.store.add_seat(*seat);
      if (!id) return not_stored(id.error());
      return stored_seat(routes.store, *id);
    }
    case Handler::kAdminEndSeat: {
      const int64_t id = seat_id(request.target, true);
      if (id == 0) return admin_error(404, "use POST /v1/admin/seats/ID/end");
      simdjson::dom::parser parser;
      auto doc = webhook_json::parse_object(parser, request.body);
      if (!doc) return admin_error(400, doc.error().message);
      std::string end;
      if (auto ok = webhook_json::read_text(*doc, "end", "end", end); !ok)
        return admin_error(400, ok.error().message);
      if (end.empty()) return admin_error(400, "end: required, the last day held (YYYY-MM-DD)");
      auto seats = routes.store.load_seats();
      if (!seats) return admin_error(503, "cannot read the seats: " + seats.error().message);
      if (auto row = seat_to_end(id, end, *seats); !row) return refused(row.error());
      if (auto ok = routes.store.end_seat(id, end); !ok) return not_stored(ok.error());
      return stored_seat(routes.store, id);
    }
    case Handler::kAdminRemoveSeat: {
      const int64_t id = seat_id(request.target, false);
      if (id == 0) return admin_error(404, "use DELETE /v1/admin/seats/ID");
      if (auto ok = routes.store.remove_seat(id); !ok) return refused(ok.error());
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
