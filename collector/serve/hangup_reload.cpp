// SIGHUP in the collector: log_level again, other changes named for a restart.
#include "collector/serve/hangup_reload.hpp"

#include <string>

namespace codepulse::collector {

void HangupReload::operator()() {
  auto fresh = load_();
  if (!fresh) {
    log_.error("config", "SIGHUP: configuration not reloaded, keeping the current one: " +
                             fresh.error().message);
    return;
  }
  auto level = parse_log_level(fresh->str("log_level"));
  if (!level) {
    log_.error("config", "SIGHUP: log_level not changed: " + level.error().message);
  } else if (*level != log_.level()) {
    log_.set_level(*level);
    log_.warn("config", "SIGHUP: log_level is now " + fresh->str("log_level"));
  }
  std::string pending;
  for (const auto& [key, value] : fresh->values()) {
    if (key == "log_level") continue;
    const auto was = running_.values().find(key);
    if (was != running_.values().end() && was->second.text == value.text) continue;
    pending += (pending.empty() ? "" : ", ") + key;
  }
  if (pending.empty())
    log_.info("config", "SIGHUP: configuration reloaded; no other setting changed");
  else
    log_.warn("config",
              "SIGHUP: changed settings take effect after a restart "
              "(systemctl restart codepulse-collector): " +
                  pending);
}

}  // namespace codepulse::collector
