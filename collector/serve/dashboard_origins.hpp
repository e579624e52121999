// The origins the dashboard is served from, which a login or a session's
// state-changing request must come from (viewer_access.hpp): the configured
// public URL, or else https://NAME:PORT for each DNS name and IP address of
// the server's certificate. Never the request's own Host header.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.hpp"

namespace codepulse::collector {

// `public_url` ("https://host[:port][/...]", may be empty), the certificate
// file (PEM) and the port served on.
Result<std::vector<std::string>> dashboard_origins(const std::string& public_url,
                                                   const std::string& cert_file, uint16_t port);

// "https://host[:port]" of an https URL (the host lowercased, :443 dropped).
Result<std::string> origin_of_url(const std::string& url);

}  // namespace codepulse::collector
