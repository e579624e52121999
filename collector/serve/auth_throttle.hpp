// Backoff for failed authentication (a wrong bearer token, a wrong login
// token, an unknown session), per client address and per token prefix (the
// first kTokenPrefixChars characters of the token presented): the
// free_per_* failure starts a wait of 1 s (429 with Retry-After), and each
// failure after a wait doubles it, up to a ceiling. A prefix that authenticated recently is exempt
// from its address's backoff, so trackers behind one NAT are not locked out by a neighbour's bad
// token. Bounded memory; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace codepulse::collector {

inline constexpr size_t kTokenPrefixChars = 12;

struct ThrottleLimits {
  int free_per_address = 20;      // failures from one address before it waits
  int free_per_prefix = 5;        // failures with one token prefix before it waits
  int64_t max_wait_ms = 300'000;  // the wait doubles up to this
  int64_t forget_ms = 900'000;    // an entry without failures this long is dropped
  size_t max_entries = 20'000;    // per kind; the oldest go first
};

class AuthThrottle {
 public:
  explicit AuthThrottle(ThrottleLimits limits = {}) : limits_(limits) {}

  // Seconds until a request from `address` presenting `prefix` ("" when no
  // token) may try again; 0 when it may now.
  int64_t wait_s(std::string_view address, std::string_view prefix, int64_t now_ms);
  // A failed authentication. Returns the line to log when a wait begins or
  // grows, else "".
  std::string failed(std::string_view address, std::string_view prefix, int64_t now_ms);
  // An authentication that succeeded: the prefix's failures are forgotten and
  // it is exempt from its address's wait for a while.
  void succeeded(std::string_view prefix, int64_t now_ms);

 private:
  struct Entry {
    int failures = 0;
    int64_t last_ms = 0;
    int64_t until_ms = 0;  // waiting until then
  };
  using Table = std::unordered_map<std::string, Entry>;
  // Counts a failure in `table`; the wait in ms when one begins or grows, else 0.
  int64_t count(Table& table, std::string_view key, int free, int64_t now_ms);
  void trim(Table& table, int64_t now_ms);

  ThrottleLimits limits_;
  std::mutex mu_;
  Table addresses_, prefixes_;
  std::unordered_map<std::string, int64_t> good_;  // prefix -> last success
};

// The part of a token the throttle keys on.
std::string_view token_prefix(std::string_view token);
// The start of a token as a log line may show it: its first
// kShownTokenChars characters ("cpt_" and 4 of its 43 random ones, far too
// few to use), any character a token cannot hold shown as '?', then "...".
inline constexpr size_t kShownTokenChars = 8;
std::string shown_token_start(std::string_view token);
// The token of an "Authorization: Bearer TOKEN" value; "" for anything else.
std::string_view presented_token(std::string_view authorization);

}  // namespace codepulse::collector
