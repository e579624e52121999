#include "collector/serve/session_store.hpp"

#include <openssl/rand.h>

#include <algorithm>

#include "common/ascii.hpp"

namespace codepulse::collector {
Result<std::string> random_hex() {
  unsigned char raw[32];
  if (RAND_bytes(raw, sizeof raw) != 1)
    return make_error("cannot get random bytes for a dashboard session");
  return hex_encode(raw, sizeof raw);
}

bool SessionStore::expired(const Session& s, int64_t now_ms) const {
  return now_ms - s.last_used_ms >= limits_.idle_ms || now_ms - s.created_ms >= limits_.lifetime_ms;
}

void SessionStore::purge(int64_t now_ms) {
  std::erase_if(sessions_, [&](const auto& kv) { return expired(kv.second, now_ms); });
  while (!sessions_.empty() && sessions_.size() >= limits_.max_sessions) {
    auto oldest = std::min_element(
        sessions_.begin(), sessions_.end(),
        [](const auto& a, const auto& b) { return a.second.created_ms < b.second.created_ms; });
    sessions_.erase(oldest);
  }
}

Result<NewSession> SessionStore::create(const std::string& token, int64_t now_ms) {
  auto id = random_hex();
  if (!id) return id.error();
  auto csrf = random_hex();
  if (!csrf) return csrf.error();
  std::lock_guard lock(mu_);
  purge(now_ms);
  sessions_[*id] = Session{token, *csrf, now_ms, now_ms};
  return NewSession{*id, *csrf, now_ms + limits_.lifetime_ms};
}

std::optional<Session> SessionStore::use(std::string_view id, int64_t now_ms) {
  if (id.empty()) return std::nullopt;
  std::lock_guard lock(mu_);
  auto it = sessions_.find(std::string(id));
  if (it == sessions_.end()) return std::nullopt;
  if (expired(it->second, now_ms)) {
    sessions_.erase(it);
    return std::nullopt;
  }
  it->second.last_used_ms = now_ms;
  return it->second;
}

void SessionStore::end(std::string_view id) {
  std::lock_guard lock(mu_);
  sessions_.erase(std::string(id));
}

size_t SessionStore::size() const {
  std::lock_guard lock(mu_);
  return sessions_.size();
}

std::string_view cookie_value(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    const size_t semi = header.find(';');
    std::string_view part = header.substr(0, semi);
    header = semi == std::string_view::npos ? std::string_view() : header.substr(semi + 1);
    while (!part.empty() && part.front() == ' ')
      part.remove_prefix(1);
    const size_t eq = part.find('=');
    if (eq != std::string_view::npos && part.substr(0, eq) == name) {
      std::string_view value = part.substr(eq + 1);
      while (!value.empty() && value.back() == ' ')
        value.remove_suffix(1);
      return value;
    }
  }
  return {};
}

}  // namespace codepulse::collector
