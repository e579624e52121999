// The mocks' HTTP server: Boost.Beast over plain TCP on 127.0.0.1, one thread,
// coroutines, keep-alive connections.
#include "tests/support/mock_http_internal.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <cstdio>
#include <ostream>
#include <random>
#include <thread>

#include "tests/support/mock_model_api.hpp"

namespace codepulse::test::mock_http {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

namespace {

constexpr auto kTuple = net::as_tuple(net::use_awaitable);
constexpr uint64_t kBodyLimit = 64 * 1024 * 1024;

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

Request to_request(const http::request<http::string_body>& req) {
  Request r;
  r.method = std::string(req.method_string());
  r.target = std::string(req.target());
  r.body = req.body();
  for (const auto& field : req)
    r.headers.emplace_back(lower(field.name_string()), std::string(field.value()));
  return r;
}

}  // namespace

std::string Request::header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (k == name) return v;
  return "";
}

Reply json_reply(int status, std::string body) {
  return {status, "application/json", std::move(body), {}, {}};
}

struct Server::State {
  net::io_context io;
  tcp::acceptor acceptor{io};
  std::thread thread;
  int port = 0;
  Handler handler;

  net::awaitable<void> accept_loop();
  net::awaitable<void> serve(tcp::socket socket);
};

net::awaitable<void> Server::State::serve(tcp::socket socket) {
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.body_limit(kBodyLimit);
    auto [read_error, n] = co_await http::async_read(stream, buffer, parser, kTuple);
    (void)n;
    if (read_error) break;
    const http::request<http::string_body> req = parser.release();
    Reply reply;
    try {
      reply = handler(to_request(req));
    } catch (const std::exception& e) {
      reply = Reply{500, "text/plain", e.what(), {}, {}};
    }
    const auto status = static_cast<http::status>(reply.status);
    beast::error_code write_error;
    if (reply.events.empty()) {
      http::response<http::string_body> res{status, req.version()};
      res.set(http::field::content_type, reply.content_type);
      for (const auto& [k, v] : reply.headers)
        res.set(k, v);
      res.keep_alive(req.keep_alive());
      if (req.method() != http::verb::head) res.body() = std::move(reply.body);
      res.prepare_payload();
      std::tie(write_error, n) = co_await http::async_write(stream, res, kTuple);
    } else {
      http::response<http::empty_body> res{status, req.version()};
      res.set(http::field::content_type, reply.content_type);
      res.set(http::field::cache_control, "no-cache");
      for (const auto& [k, v] : reply.headers)
        res.set(k, v);
      res.keep_alive(req.keep_alive());
      res.chunked(true);
      http::response_serializer<http::empty_body> head{res};
      std::tie(write_error, n) = co_await http::async_write_header(stream, head, kTuple);
      for (const std::string& e : reply.events) {
        if (write_error) break;
        std::tie(write_error, n) =
            co_await net::async_write(stream, http::make_chunk(net::buffer(e)), kTuple);
      }
      if (!write_error)
        std::tie(write_error, n) =
            co_await net::async_write(stream, http::make_chunk_last(), kTuple);
    }
    if (write_error || !req.keep_alive()) break;
  }
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
}

net::awaitable<void> Server::State::accept_loop() {
  for (;;) {
    auto [error, socket] = co_await acceptor.async_accept(kTuple);
    if (error) co_return;  // closed
    net::co_spawn(io, serve(std::move(socket)), net::detached);
  }
}

Server::Server(Handler handler) : state_(std::make_unique<State>()) {
  state_->handler = std::move(handler);
  tcp::acceptor& a = state_->acceptor;
  const tcp::endpoint endpoint(net::ip::make_address("127.0.0.1"), 0);
  a.open(endpoint.protocol());
  a.set_option(net::socket_base::reuse_address(true));
  a.bind(endpoint);
  a.listen();
  state_->port = a.local_endpoint().port();
  net::co_spawn(state_->io, state_->accept_loop(), net::detached);
  state_->thread = std::thread([s = state_.get()] { s->io.run(); });
}

Server::~Server() {
  // Pending connections end with the io_context, after the thread.
  state_->io.stop();
  state_->thread.join();
}

int Server::port() const {
  return state_->port;
}

std::string Server::base_url() const {
  return "http://127.0.0.1:" + std::to_string(state_->port);
}

std::string random_tag() {
  std::random_device random;
  char tag[16];
  std::snprintf(tag, sizeof tag, "%08x", random());
  return std::string("Mock") + tag;
}

}  // namespace codepulse::test::mock_http

namespace codepulse::test {

std::ostream& operator<<(std::ostream& os, const MockRequest& r) {
  return os << "{" << r.method << " " << r.target << " -> " << r.status << ", model " << r.model
            << (r.stream ? ", stream" : "") << (r.api_key ? ", key" : "") << "}";
}

}  // namespace codepulse::test
