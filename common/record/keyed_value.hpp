// How a path or branch is stored and sent when the organisation sets a hash
// key: "h:<hmac>" instead of the text (docs/PRIVACY.md). Used wherever the
// tracker builds a record, usage or commit.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace codepulse {

// `value` as stored and sent: "h:<hmac>" under a hash key, else as is.
std::string keyed_value(const std::optional<std::string>& hash_key, std::string_view value);

}  // namespace codepulse
