// The configuration keys every program's log takes (logger.hpp): log_level
// and log_file, declared once for both programs' key tables.
#pragma once

#include "common/config/config.hpp"

namespace codepulse {

ConfigKey log_level_key();
ConfigKey log_file_key();

}  // namespace codepulse
