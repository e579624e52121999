// Connection slots: admission, per-address caps, and eviction of idle ones.
#include "collector/serve/connection_slots.hpp"

#include <algorithm>
#include <tuple>

namespace codepulse::collector {

ConnectionSlots::ConnectionSlots(SlotLimits limits) : limits_(limits) {
  limits_.max_total = std::max<size_t>(limits_.max_total, 1);
  limits_.reserved = std::min(limits_.reserved, limits_.max_total / 4);
  limits_.per_address = std::max<size_t>(limits_.per_address, 1);
}

ConnectionSlots::Admission ConnectionSlots::open(uint64_t id, const std::string& address,
                                                 int64_t now_ms) {
  std::lock_guard lock(mu_);
  Admission a;
  if (auto it = unproven_by_address_.find(address);
      it != unproven_by_address_.end() && it->second >= limits_.per_address) {
    a.verdict = Verdict::kRefuseAddress;
    return a;
  }
  const bool share_full = unproven_ >= limits_.max_total - limits_.reserved;
  if (share_full || slots_.size() >= limits_.max_total) {
    // Unproven connections at their share give way to each other only.
    a.evict = victim(share_full);
    if (a.evict == 0) {
      a.verdict = Verdict::kRefuseFull;
      return a;
    }
    forget(slots_.find(a.evict));
  }
  slots_[id] = Slot{address, false, true, now_ms};
  ++unproven_by_address_[address];
  ++unproven_;
  return a;
}

uint64_t ConnectionSlots::victim(bool unproven_only) const {
  uint64_t best = 0;
  std::tuple<bool, int64_t> best_key{true, 0};
  for (const auto& [id, s] : slots_) {
    if (!s.idle || (unproven_only && s.proven)) continue;
    const std::tuple<bool, int64_t> key{s.proven, s.idle_since_ms};
    if (best == 0 || key < best_key) {
      best = id;
      best_key = key;
    }
  }
  return best;
}

void ConnectionSlots::set_idle(uint64_t id, bool idle, int64_t now_ms) {
  std::lock_guard lock(mu_);
  auto it = slots_.find(id);
  if (it == slots_.end()) return;
  if (idle && !it->second.idle) it->second.idle_since_ms = now_ms;
  it->second.idle = idle;
}

void ConnectionSlots::prove(uint64_t id) {
  std::lock_guard lock(mu_);
  auto it = slots_.find(id);
  if (it == slots_.end() || it->second.proven) return;
  it->second.proven = true;
  if (--unproven_by_address_[it->second.address] == 0)
    unproven_by_address_.erase(it->second.address);
  --unproven_;
}

bool ConnectionSlots::proven(uint64_t id) const {
  std::lock_guard lock(mu_);
  auto it = slots_.find(id);
  return it != slots_.end() && it->second.proven;
}

void ConnectionSlots::close(uint64_t id) {
  std::lock_guard lock(mu_);
  if (auto it = slots_.find(id); it != slots_.end()) forget(it);
}

void ConnectionSlots::forget(std::unordered_map<uint64_t, Slot>::iterator it) {
  if (!it->second.proven) {
    if (--unproven_by_address_[it->second.address] == 0)
      unproven_by_address_.erase(it->second.address);
    --unproven_;
  }
  slots_.erase(it);
}

size_t ConnectionSlots::total() const {
  std::lock_guard lock(mu_);
  return slots_.size();
}

size_t ConnectionSlots::unproven() const {
  std::lock_guard lock(mu_);
  return unproven_;
}

}  // namespace codepulse::collector
