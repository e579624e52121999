// Failed-authentication backoff per address and per token prefix.
#include "collector/serve/auth_throttle.hpp"

#include <algorithm>

#include "common/hashing.hpp"

namespace codepulse::collector {

std::string_view token_prefix(std::string_view token) {
  return token.substr(0, kTokenPrefixChars);
}

std::string shown_token_start(std::string_view token) {
  std::string shown;
  for (char c : token.substr(0, kShownTokenChars)) {
    const bool token_char = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                            (c >= '0' && c <= '9') || c == '_' || c == '-';
    shown.push_back(token_char ? c : '?');
  }
  return shown + "...";
}

std::string_view presented_token(std::string_view authorization) {
  constexpr std::string_view kBearer = "Bearer ";
  if (authorization.size() <= kBearer.size() || authorization.substr(0, kBearer.size()) != kBearer)
    return {};
  return authorization.substr(kBearer.size());
}

int64_t AuthThrottle::wait_s(std::string_view address, std::string_view prefix, int64_t now_ms) {
  std::lock_guard lock(mu_);
  int64_t until = 0;
  auto good = prefix.empty() ? good_.end() : good_.find(std::string(prefix));
  const bool trusted = good != good_.end() && now_ms - good->second < limits_.forget_ms;
  if (!trusted) {
    if (auto a = addresses_.find(std::string(address)); a != addresses_.end())
      until = a->second.until_ms;
  }
  if (!prefix.empty()) {
    if (auto p = prefixes_.find(std::string(prefix)); p != prefixes_.end())
      until = std::max(until, p->second.until_ms);
  }
  return until > now_ms ? (until - now_ms + 999) / 1000 : 0;
}

int64_t AuthThrottle::count(Table& table, std::string_view key, int free, int64_t now_ms) {
  if (table.size() >= limits_.max_entries) trim(table, now_ms);
  Entry& e = table[std::string(key)];
  if (now_ms - e.last_ms > limits_.forget_ms) e = {};
  ++e.failures;
  e.last_ms = now_ms;
  if (e.failures < free) return 0;
  const int doublings = std::min(e.failures - free, 20);
  const int64_t wait = std::min<int64_t>(int64_t{1000} << doublings, limits_.max_wait_ms);
  e.until_ms = now_ms + wait;
  return wait;
}

std::string AuthThrottle::failed(std::string_view address, std::string_view prefix,
                                 int64_t now_ms) {
  std::lock_guard lock(mu_);
  std::string line;
  if (const int64_t wait = count(addresses_, address, limits_.free_per_address, now_ms); wait > 0)
    line = "address " + std::string(address) + " waits " + std::to_string(wait / 1000) + " s (" +
           std::to_string(addresses_[std::string(address)].failures) + " failures)";
  if (!prefix.empty()) {
    if (const int64_t wait = count(prefixes_, prefix, limits_.free_per_prefix, now_ms); wait > 0)
      line += std::string(line.empty() ? "" : "; ") +
              "tokens beginning like sha256:" + sha256_hex(prefix).substr(0, 12) + " wait " +
              std::to_string(wait / 1000) + " s (" +
              std::to_string(prefixes_[std::string(prefix)].failures) + " failures)";
  }
  return line.empty() ? line : "failed authentication: " + line;
}

void AuthThrottle::succeeded(std::string_view prefix, int64_t now_ms) {
  if (prefix.empty()) return;
  std::lock_guard lock(mu_);
  prefixes_.erase(std::string(prefix));
  if (good_.size() >= limits_.max_entries) {
    std::erase_if(good_, [&](const auto& g) { return now_ms - g.second >= limits_.forget_ms; });
    if (good_.size() >= limits_.max_entries) good_.clear();
  }
  good_[std::string(prefix)] = now_ms;
}

void AuthThrottle::trim(Table& table, int64_t now_ms) {
  std::erase_if(table, [&](const auto& e) {
    return now_ms - e.second.last_ms > limits_.forget_ms && e.second.until_ms <= now_ms;
  });
  if (table.size() < limits_.max_entries) return;
  // Still full: drop the half that failed longest ago.
  std::vector<int64_t> times;
  times.reserve(table.size());
  for (const auto& [key, e] : table)
    times.push_back(e.last_ms);
  std::nth_element(times.begin(), times.begin() + static_cast<ptrdiff_t>(times.size() / 2),
                   times.end());
  const int64_t cut = times[times.size() / 2];
  std::erase_if(table, [&](const auto& e) { return e.second.last_ms < cut; });
}

}  // namespace codepulse::collector
