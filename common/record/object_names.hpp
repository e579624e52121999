// Git object names: what one looks like, and as a list, how the tracker's
// git reader and the stores' commit tables spell a commit's parents.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace codepulse {

// 40 (SHA-1) or 64 (SHA-256) lowercase hexadecimal digits, as git prints them.
bool is_object_name(std::string_view s);
// The all-zero name git prints for a side a diff does not have (a file
// created or deleted).
bool is_null_object(std::string_view s);

// "a b c" -> {"a", "b", "c"}: the parents as `%P` prints them and the store keeps them.
std::vector<std::string> split_object_names(std::string_view names);
// {"a", "b", "c"} -> "a b c", the reverse.
std::string join_object_names(const std::vector<std::string>& names);

}  // namespace codepulse
