// hook: what `codepulse-tracker hook` answers Claude Code on SessionStart and
// UserPromptSubmit, decided from the hook's standard input and the budget
// state the tracker keeps (docs/HOOK.md). Pure: no file, clock or network.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.hpp"
#include "tracker/ship/budget_state.hpp"

namespace codepulse::tracker {

// A state older than this is not applied (the hook fails open): 36 hours.
inline constexpr int64_t kBudgetStateStaleMs = 36LL * 3600 * 1000;

// What the hook process does: its exit code, standard output (the JSON
// Claude Code reads) and standard error (one line at most).
struct HookAnswer {
  int exit_code = 0;
  std::string out;
  std::string err;
};

// The answer to one hook call. `input` is the JSON Claude Code wrote on
// standard input; `state` the budget state as read (an error when there is
// none or it is unreadable). Every answer exits 0: a warning at warn,
// forecast_over, or over without enforcement or under an unexpired override;
// a blocked prompt (UserPromptSubmit only) at over with enforcement; nothing
// but a note on standard error for malformed input, an unknown event, or a
// missing, unreadable or stale state.
HookAnswer answer_hook(std::string_view input, const Result<BudgetState>& state, int64_t now_ms);

}  // namespace codepulse::tracker
