// Git object names as a list: how the tracker's git reader and the stores'
// commit tables spell a commit's parents.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace codepulse {

// "a b c" -> {"a", "b", "c"}: the parents as `%P` prints them and the store keeps them.
std::vector<std::string> split_object_names(std::string_view names);
// {"a", "b", "c"} -> "a b c", the reverse.
std::string join_object_names(const std::vector<std::string>& names);

}  // namespace codepulse
