#include "collector/serve/route_io.hpp"

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

}  // namespace codepulse::collector
