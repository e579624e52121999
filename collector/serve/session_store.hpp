// Dashboard sessions, in memory: a viewer logs in once with a token and then
// carries a random session id in a cookie. A session keeps the token itself
// (never written anywhere), so every request re-checks it against the store
// exactly as a bearer token is checked: a revoked token ends its sessions at
// the next request. Sessions end after an idle time or an absolute lifetime,
// and the oldest go first when there are too many. Thread-safe.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/result.hpp"

namespace codepulse::collector {

struct SessionLimits {
  int64_t idle_ms = 8 * 3600 * 1000;       // unused this long: ended
  int64_t lifetime_ms = 24 * 3600 * 1000;  // ended this long after login, used or not
  size_t max_sessions = 10'000;            // beyond: the oldest is ended
};

struct Session {
  std::string token;  // the viewer's token, re-checked at every request
  std::string csrf;   // must come back in X-Codepulse-CSRF on state-changing requests
  int64_t created_ms = 0;
  int64_t last_used_ms = 0;
};

// The session id and its CSRF value, as given to the browser at login.
struct NewSession {
  std::string id;
  std::string csrf;
  int64_t expires_ms = 0;
};

class SessionStore {
 public:
  explicit SessionStore(SessionLimits limits = {}) : limits_(limits) {}

  // A new session for `token` at `now_ms`; fails only without random bytes.
  Result<NewSession> create(const std::string& token, int64_t now_ms);
  // The live session with this id (its idle clock restarted), or nullopt.
  std::optional<Session> use(std::string_view id, int64_t now_ms);
  void end(std::string_view id);
  size_t size() const;
  const SessionLimits& limits() const { return limits_; }

 private:
  bool expired(const Session& s, int64_t now_ms) const;
  void purge(int64_t now_ms);  // with mu_ held

  SessionLimits limits_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Session> sessions_;
};

// 32 random bytes as hex: a session id or CSRF value.
Result<std::string> random_hex();
// The value of cookie `name` in a Cookie header ("a=1; b=2"), or "".
std::string_view cookie_value(std::string_view cookie_header, std::string_view name);

}  // namespace codepulse::collector
