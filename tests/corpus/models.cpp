// Model ids as they stand in the logs.
#include "tests/corpus/models.hpp"

#include <array>
#include <cstddef>

namespace codepulse::bench::corpus {

const char* model_name(Model m) {
  // indexed by Model
  static constexpr std::array<const char*, 5> kNames = {
      "claude-opus-4-6", "claude-sonnet-4-5-20250929", "claude-sonnet-4-6",
      "claude-opus-4-1-20250805", "claude-haiku-4-5-20251001"};
  return kNames[static_cast<size_t>(m)];
}

}  // namespace codepulse::bench::corpus
