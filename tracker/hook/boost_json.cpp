// Boost.JSON's implementation, compiled once here (header-only mode) for the
// settings editor (claude_settings.cpp).
#include <boost/json/src.hpp>
