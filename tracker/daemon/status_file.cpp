#include "tracker/daemon/status_file.hpp"

#include <fcntl.h>
#include <simdjson.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "common/c_handles.hpp"
#include "common/json_writer.hpp"

namespace codepulse::tracker {
namespace {

// A field of the status file; 0 or unchanged when missing.
void read_number(simdjson::dom::object o, const char* key, int64_t& v) {
  if (o[key].get_int64().get(v) != simdjson::SUCCESS) v = 0;
}
void read_text(simdjson::dom::object o, const char* key, std::string& v) {
  std::string_view sv;
  if (!o[key].get_string().get(sv)) v = std::string(sv);
}

}  // namespace

Status write_status(const std::string& state_dir, const DaemonStatus& s) {
  std::string json;
  JsonWriter w(json);
  w.begin_object()
      .field("pid", s.pid)
      .field("started_ms", s.started_ms)
      .field("watcher", s.watcher)
      .field("watcher_note", s.watcher_note)
      .field("watched_folders", s.watched_folders)
      .field("files", s.files)
      .field("rounds", s.rounds)
      .field("last_round_ms", s.last_round_ms)
      .field("records_new", s.records_new)
      .field("malformed_lines", s.malformed_lines)
      .field("evicted_unshipped", s.evicted_unshipped)
      .field("last_error", s.last_error)
      .field("last_error_ms", s.last_error_ms);
  w.key("prices")
      .begin_object()
      .field("revision", s.prices.revision)
      .field("origin", s.prices.origin)
      .field("path", s.prices.path)
      .field("checked_ms", s.prices.checked_ms)
      .field("changed_ms", s.prices.changed_ms)
      .field("last_error", s.prices.last_error)
      .field("last_error_ms", s.prices.last_error_ms)
      .end_object();
  if (s.ship) {
    const ShipStatus& h = *s.ship;
    w.key("ship").begin_object();
    write_ship_counts(w, h);
    w.field("failures", h.failures)
        .field("last_success_ms", h.last_success_ms)
        .field("last_error_ms", h.last_error_ms)
        .field("next_attempt_ms", h.next_attempt_ms)
        .field("last_http_status", int64_t{h.last_http_status})
        .field("last_error", h.last_error)
        .end_object();
  }
  w.end_object();
  json.push_back('\n');
  const std::string path = state_dir + "/status.json";
  const std::string tmp = path + ".tmp";
  UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
  if (!fd.valid()) return make_error("cannot write " + tmp + ": " + std::strerror(errno));
  if (::write(fd.get(), json.data(), json.size()) != static_cast<ssize_t>(json.size()))
    return make_error("cannot write " + tmp + ": " + std::strerror(errno));
  fd.reset();
  if (::rename(tmp.c_str(), path.c_str()) != 0)
    return make_error("cannot replace " + path + ": " + std::strerror(errno));
  return {};
}

Result<DaemonStatus> read_status(const std::string& state_dir) {
  const std::string path = state_dir + "/status.json";
  simdjson::padded_string text;
  if (simdjson::padded_string::load(path).get(text)) return make_error("no status file " + path);
  simdjson::dom::parser parser;
  simdjson::dom::object o;
  if (parser.parse(text).get_object().get(o)) return make_error("unreadable status file " + path);
  DaemonStatus s;
  auto num = [&](const char* k, int64_t& v) { read_number(o, k, v); };
  auto str = [&](const char* k, std::string& v) { read_text(o, k, v); };
  num("pid", s.pid);
  num("started_ms", s.started_ms);
  str("watcher", s.watcher);
  str("watcher_note", s.watcher_note);
  num("watched_folders", s.watched_folders);
  num("files", s.files);
  num("rounds", s.rounds);
  num("last_round_ms", s.last_round_ms);
  num("records_new", s.records_new);
  num("malformed_lines", s.malformed_lines);
  num("evicted_unshipped", s.evicted_unshipped);
  str("last_error", s.last_error);
  num("last_error_ms", s.last_error_ms);
  simdjson::dom::object prices;
  if (!o["prices"].get_object().get(prices)) {
    PriceBookStatus& p = s.prices;
    read_text(prices, "revision", p.revision);
    read_text(prices, "origin", p.origin);
    read_text(prices, "path", p.path);
    read_number(prices, "checked_ms", p.checked_ms);
    read_number(prices, "changed_ms", p.changed_ms);
    read_text(prices, "last_error", p.last_error);
    read_number(prices, "last_error_ms", p.last_error_ms);
  }
  simdjson::dom::object ship;
  if (!o["ship"].get_object().get(ship)) {
    ShipStatus h;
    auto snum = [&](const char* k, int64_t& v) {
      if (ship[k].get_int64().get(v) != simdjson::SUCCESS) v = 0;
    };
    std::string_view sv;
    if (!ship["collector"].get_string().get(sv)) h.collector = std::string(sv);
    if (!ship["last_error"].get_string().get(sv)) h.last_error = std::string(sv);
    snum("batches_shipped", h.batches_shipped);
    snum("records_shipped", h.records_shipped);
    snum("commits_shipped", h.commits_shipped);
    snum("records_quarantined", h.records_quarantined);
    snum("failures", h.failures);
    snum("last_success_ms", h.last_success_ms);
    snum("last_error_ms", h.last_error_ms);
    snum("next_attempt_ms", h.next_attempt_ms);
    int64_t code = 0;
    snum("last_http_status", code);
    h.last_http_status = static_cast<int>(code);
    s.ship = h;
  }
  return s;
}

}  // namespace codepulse::tracker
