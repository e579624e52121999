// The models the sessions talk to and the Claude Code versions whose line shapes they write.
#pragma once

#include <cstdint>

namespace codepulse::bench::corpus {

enum class Model : uint8_t { Opus46, Sonnet45, Sonnet46, Opus41, Haiku45 };

// The model id as it stands in message.model.
const char* model_name(Model m);

// Claude Code version behaviour
struct VerInfo {
  const char* str;
  bool nested;           // subagents in <session>/subagents/ (2.1.x) vs flat (2.0.x)
  bool final_sometimes;  // last line of a request sometimes carries the final output count
  bool all_final;        // every line carries the final usage (>= 2.1.97)
  bool request_id;       // lines carry a top-level requestId
};

inline constexpr VerInfo kV2076{"2.0.76", false, true, false, true};
inline constexpr VerInfo kV2138{"2.1.38", true, true, false, true};
inline constexpr VerInfo kV2139{"2.1.39", true, true, false, true};
inline constexpr VerInfo kV2163{"2.1.63", true, true, false, false};
inline constexpr VerInfo kV21112{"2.1.112", true, false, true, true};

}  // namespace codepulse::bench::corpus
