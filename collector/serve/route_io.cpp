#include "collector/serve/route_io.hpp"

#include "collector/http/query_string.hpp"

namespace codepulse::collector {

WebRequest web_request(const RouteRequest& request) {
  WebRequest w;
  w.method = request.method;
  w.authorization = request.header("Authorization");
  w.cookie = request.header("Cookie");
  w.csrf = request.header(kCsrfHeader);
  w.origin = request.header("Origin");
  w.host = request.header("Host");
  w.sec_fetch_site = request.header("Sec-Fetch-Site");
  w.content_type = request.header("Content-Type");
  w.body = request.body;
  return w;
}

Result<std::vector<std::pair<std::string, std::string>>> query_params(const RouteRequest& request) {
  const auto q = request.target.find('?');
  return parse_query_string(q == std::string_view::npos ? std::string_view()
                                                        : request.target.substr(q + 1));
}

}  // namespace codepulse::collector
