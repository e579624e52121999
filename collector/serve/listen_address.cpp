#include "collector/serve/listen_address.hpp"

namespace codepulse::collector {

Result<std::pair<std::string, std::string>> split_listen(const std::string& listen) {
  std::string host, port;
  if (!listen.empty() && listen.front() == '[') {
    const auto close = listen.find(']');
    if (close == std::string::npos || close + 1 >= listen.size() || listen[close + 1] != ':')
      return make_error("listen address '" + listen + "': expected [IPv6]:PORT");
    host = listen.substr(1, close - 1);
    port = listen.substr(close + 2);
  } else {
    const auto colon = listen.rfind(':');
    if (colon == std::string::npos)
      return make_error("listen address '" + listen + "': expected HOST:PORT");
    host = listen.substr(0, colon);
    port = listen.substr(colon + 1);
  }
  if (host.empty() || port.empty() || port.find_first_not_of("0123456789") != std::string::npos ||
      port.size() > 5 || std::stoi(port) > 65535)
    return make_error("listen address '" + listen + "': expected HOST:PORT with PORT 0-65535");
  return std::make_pair(host, port);
}

}  // namespace codepulse::collector
