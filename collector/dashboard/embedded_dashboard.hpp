// The files of collector/dashboard/dist/, as bytes in the binary. The
// definitions are generated at build time by embed_dashboard.cmake.
#pragma once

#include <cstddef>
#include <string_view>

namespace codepulse::collector {

struct EmbeddedFile {
  std::string_view name;  // path under dist/, e.g. "assets/app-3F2A.js"
  const unsigned char* data;
  size_t size;
};

extern const EmbeddedFile kEmbeddedDashboard[];
extern const size_t kEmbeddedDashboardCount;

}  // namespace codepulse::collector
