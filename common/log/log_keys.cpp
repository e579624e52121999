#include "common/log/log_keys.hpp"

namespace codepulse {

ConfigKey log_level_key() {
  return {.name = "log_level",
          .type = ConfigType::kEnum,
          .default_value = "info",
          .help = "least severe log messages written",
          .choices = {"error", "warn", "info", "debug"}};
}

ConfigKey log_file_key() {
  return {.name = "log_file",
          .type = ConfigType::kPath,
          .default_value = "",
          .help = "log file; empty = stderr"};
}

}  // namespace codepulse
