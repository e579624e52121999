// libFuzzer harness: raw bytes as the collector's HTTP layer reads them:
// Beast's request parser with the server's header and body limits, then the
// request target's query string.
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "collector/http/query_string.hpp"

namespace http = boost::beast::http;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  http::request_parser<http::string_body> parser;
  parser.header_limit(16 * 1024);
  parser.body_limit(1 << 20);
  parser.eager(true);
  boost::beast::error_code ec;
  size_t used = 0;
  while (used < size && !parser.is_done()) {
    const size_t n = parser.put(boost::asio::buffer(data + used, size - used), ec);
    if (ec == http::error::need_more) break;
    if (ec) return 0;
    if (n == 0) break;
    used += n;
  }
  if (!parser.is_header_done()) return 0;
  const auto& req = parser.get();
  const std::string_view target(req.target().data(), req.target().size());
  const auto mark = target.find('?');
  if (mark != std::string_view::npos)
    (void)codepulse::collector::parse_query_string(target.substr(mark + 1));
  (void)req[http::field::authorization];
  (void)req[http::field::content_encoding];
  return 0;
}
