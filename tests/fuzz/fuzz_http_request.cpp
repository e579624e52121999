// libFuzzer harness: raw bytes as the collector's HTTP layer reads them:
// Beast's request parser with the server's header and body limits, then the
// request target's query string. Invariants: bytes that arrive in pieces (as
// a socket gives them) parse as they do in one (a header that never ends may
// be refused at once in one, and waited on in pieces); a finished body is within
// the limit and as long as its Content-Length; a query string either fails
// with an error that quotes at most 60 bytes of it, or gives pairs that
// percent-encode and parse back to the same pairs.
#include <boost/beast/core/error.hpp>
#include <boost/beast/http.hpp>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "collector/http/query_string.hpp"
#include "tests/fuzz/fuzz_checks.hpp"

namespace http = boost::beast::http;
using codepulse::fuzz::expect;

namespace {

constexpr size_t kBodyLimit = 1 << 20;

struct Parsed {
  bool header_done = false, done = false;
  std::string error;  // the parser's, "" when none
  std::string method, target, body, authorization, content_encoding;
  bool has_length = false;
  uint64_t length = 0;
};

// Feeds `data` to a parser `piece` bytes at a time (all of it when 0).
Parsed parse(std::string_view data, size_t piece) {
  http::request_parser<http::string_body> parser;
  parser.header_limit(16 * 1024);
  parser.body_limit(kBodyLimit);
  parser.eager(true);
  std::string buffered;
  size_t fed = 0;
  Parsed out;
  while (!parser.is_done()) {
    const size_t n = piece == 0 ? data.size() - fed : std::min(piece, data.size() - fed);
    buffered.append(data.substr(fed, n));
    fed += n;
    boost::beast::error_code ec;
    const size_t used = parser.put(boost::asio::buffer(buffered.data(), buffered.size()), ec);
    buffered.erase(0, used);
    if (ec == http::error::need_more) {
      if (fed == data.size()) break;
      continue;
    }
    if (ec) {
      out.error = ec.message();
      break;
    }
    if (used == 0 && fed == data.size()) break;
  }
  out.header_done = parser.is_header_done();
  out.done = parser.is_done();
  if (!out.header_done) return out;
  const auto& req = parser.get();
  out.method = std::string(req.method_string());
  out.target = std::string(req.target());
  out.authorization = std::string(req[http::field::authorization]);
  out.content_encoding = std::string(req[http::field::content_encoding]);
  if (auto length = parser.content_length()) {
    out.has_length = true;
    out.length = *length;
  }
  if (out.done) out.body = req.body();
  return out;
}

bool unreserved(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.' || c == '~';
}

std::string percent_encode(std::string_view s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (char c : s) {
    if (unreserved(c)) {
      out.push_back(c);
    } else {
      const auto b = static_cast<unsigned char>(c);
      out += {'%', kHex[b >> 4], kHex[b & 15]};
    }
  }
  return out;
}

void check_query(std::string_view query) {
  auto pairs = codepulse::collector::parse_query_string(query);
  if (!pairs) {
    // "[name: ]bad percent escape in '<at most 60 bytes of the part>'"
    const std::string& message = pairs.error().message;
    const std::string marker = "bad percent escape in '";
    const size_t at = message.rfind(marker);
    expect(at != std::string::npos && message.back() == '\'',
           "a query string error names the bad escape");
    expect(message.size() - at - marker.size() - 1 <= 60,
           "a query string error quotes at most 60 bytes");
    return;
  }
  std::string again;
  for (const auto& [name, value] : *pairs) {
    expect(name.find('\0') == std::string::npos && value.find('\0') == std::string::npos,
           "no NUL in a decoded pair");
    if (!again.empty()) again.push_back('&');
    again += percent_encode(name) + "=" + percent_encode(value);
  }
  auto round_trip = codepulse::collector::parse_query_string(again);
  expect(round_trip && *round_trip == *pairs, "pairs percent-encode and parse back the same");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const Parsed whole = parse(bytes, 0);
  const Parsed pieces = parse(bytes, size == 0 ? 1 : 1 + data[size - 1] % 700);
  // A header that never ends may be refused at once when read whole, and
  // waited on when read in pieces (Beast then waits for its end first): both
  // refuse it. Anything else is the same either way.
  const bool refused = !whole.error.empty() || !pieces.error.empty();
  expect(refused || (whole.header_done == pieces.header_done && whole.done == pieces.done),
         "bytes in pieces parse as they do in one");
  expect(!(whole.done && !pieces.error.empty()) && !(pieces.done && !whole.error.empty()),
         "a request read in one is read in pieces too, and the other way round");
  if (whole.header_done && pieces.header_done)
    expect(whole.method == pieces.method && whole.target == pieces.target &&
               whole.authorization == pieces.authorization &&
               whole.content_encoding == pieces.content_encoding,
           "the same header in pieces as in one");
  if (whole.done && pieces.done) expect(whole.body == pieces.body, "the same body in pieces");
  if (!whole.header_done) return 0;
  expect(!whole.target.empty(), "a request has a target");
  if (whole.done) {
    expect(whole.body.size() <= kBodyLimit, "a body within the limit");
    expect(!whole.has_length || whole.body.size() == whole.length,
           "a body as long as its Content-Length");
  }
  const std::string_view target(whole.target);
  const auto mark = target.find('?');
  if (mark != std::string_view::npos) check_query(target.substr(mark + 1));
  return 0;
}
