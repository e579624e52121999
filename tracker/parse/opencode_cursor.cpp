// Where the last read of an OpenCode database ended, as the text kept with
// its file state (opencode_database.hpp).
#include <cstdio>

#include "tracker/parse/opencode_database.hpp"

namespace codepulse::tracker::opencode {

std::string Cursor::encode() const {
  if (!started) return {};
  char buf[200];
  std::snprintf(buf, sizeof buf, "oc1 e=%lld m=%lld p=%lld mr=%lld pr=%lld w=%lld:%lld eid=",
                static_cast<long long>(event_rowid), static_cast<long long>(message_updated),
                static_cast<long long>(part_updated), static_cast<long long>(message_rowid),
                static_cast<long long>(part_rowid), static_cast<long long>(wal_size),
                static_cast<long long>(wal_mtime_ns));
  return buf + event_id;
}

std::optional<Cursor> Cursor::decode(std::string_view text) {
  Cursor c;
  if (text.empty()) return c;
  long long e = 0, m = 0, p = 0, mr = 0, pr = 0, ws = 0, wm = 0;
  int used = 0;
  const std::string copy(text);
  if (std::sscanf(copy.c_str(), "oc1 e=%lld m=%lld p=%lld mr=%lld pr=%lld w=%lld:%lld eid=%n", &e,
                  &m, &p, &mr, &pr, &ws, &wm, &used) != 7 ||
      used <= 0)
    return std::nullopt;
  c.started = true;
  c.event_rowid = e;
  c.message_updated = m;
  c.part_updated = p;
  c.message_rowid = mr;
  c.part_rowid = pr;
  c.wal_size = ws;
  c.wal_mtime_ns = wm;
  c.event_id = copy.substr(static_cast<size_t>(used));
  return c;
}

}  // namespace codepulse::tracker::opencode
