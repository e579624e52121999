// The mock Messages API's server: Boost.Beast over plain TCP on 127.0.0.1, one
// thread, keep-alive connections; routes, request checks and the log of what
// was asked and served. The JSON it sends is built in mock_messages_wire.cpp.
#include "tests/support/mock_messages_api.hpp"

#include <simdjson.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cstdio>
#include <deque>
#include <mutex>
#include <random>
#include <stdexcept>
#include <thread>

#include "tests/support/mock_messages_wire.hpp"

namespace codepulse::test {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using Request = http::request<http::string_body>;

namespace {

constexpr auto kTuple = net::as_tuple(net::use_awaitable);
constexpr uint64_t kBodyLimit = 64 * 1024 * 1024;

// What a request is answered with: a whole body, or server-sent events.
struct Reply {
  http::status status = http::status::ok;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::string> events;  // non-empty: stream these
  std::string request_id;
};

Reply error_reply(http::status status, std::string_view type, std::string_view message,
                  const std::string& request_id) {
  return {
      status, "application/json", mock_wire::error_json(type, message, request_id), {}, request_id};
}

// The fields of a Messages API body the mock looks at; `problem` says what
// is wrong with it, empty when nothing.
struct Body {
  std::string model, problem;
  bool stream = false;
};

Body read_body(const std::string& text, bool count_tokens) {
  Body b;
  simdjson::dom::parser parser;
  simdjson::dom::object doc;
  if (parser.parse(simdjson::padded_string(text)).get_object().get(doc)) {
    b.problem = "the request body is not a JSON object";
    return b;
  }
  std::string_view model;
  if (doc["model"].get_string().get(model)) {
    b.problem = "model: Field required";
    return b;
  }
  b.model = std::string(model);
  simdjson::dom::array messages;
  if (doc["messages"].get_array().get(messages)) {
    b.problem = "messages: Field required";
    return b;
  }
  int64_t max_tokens = 0;
  if (!count_tokens && (doc["max_tokens"].get_int64().get(max_tokens) || max_tokens < 1)) {
    b.problem = "max_tokens: Field required";
    return b;
  }
  bool stream = false;
  if (!doc["stream"].get_bool().get(stream)) b.stream = stream;
  return b;
}

}  // namespace

MockBlock MockBlock::text_block(std::string text) {
  MockBlock b;
  b.kind = Kind::kText;
  b.text = std::move(text);
  return b;
}

MockBlock MockBlock::tool_use(std::string name, std::string input_json) {
  MockBlock b;
  b.kind = Kind::kToolUse;
  b.tool_name = std::move(name);
  b.input_json = std::move(input_json);
  return b;
}

struct MockMessagesApi::State {
  net::io_context io;
  tcp::acceptor acceptor{io};
  std::thread thread;
  int port = 0;
  std::string tag;  // in every id: ids of two mocks never meet

  mutable std::mutex mu;
  std::deque<MockResponse> script;
  size_t next_index = 0;
  int64_t counter = 0;
  std::vector<MockRequest> requests;
  std::vector<MockServed> served;

  std::string next_id(std::string_view prefix) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*s_01%s%06lld", static_cast<int>(prefix.size()),
                  prefix.data(), tag.c_str(), static_cast<long long>(++counter));
    return buf;
  }

  Reply messages(const Body& body, const std::string& request_id);
  Reply answer(const Request& req, MockRequest& seen);
  net::awaitable<void> accept_loop();
  net::awaitable<void> serve(tcp::socket socket);
};

// POST /v1/messages: the next scripted response, streamed when asked.
Reply MockMessagesApi::State::messages(const Body& body, const std::string& request_id) {
  std::lock_guard lock(mu);
  if (script.empty())
    return error_reply(http::status::bad_request, "invalid_request_error",
                       "the mock's script has no response left for this request", request_id);
  MockServed s;
  s.script_index = next_index++;
  s.response = std::move(script.front());
  script.pop_front();
  s.model = s.response.model.empty() ? body.model : s.response.model;
  s.request_id = request_id;
  s.message_id = next_id("msg");
  for (const MockBlock& b : s.response.blocks)
    if (b.kind == MockBlock::Kind::kToolUse) s.tool_use_ids.push_back(next_id("toolu"));
  s.streamed = body.stream;
  const mock_wire::WireIds ids{s.message_id, s.tool_use_ids};
  Reply r;
  r.request_id = request_id;
  if (body.stream) {
    r.content_type = "text/event-stream; charset=utf-8";
    r.events = mock_wire::message_events(s.response, s.model, ids);
  } else {
    r.body = mock_wire::message_json(s.response, s.model, ids);
  }
  served.push_back(std::move(s));
  return r;
}

Reply MockMessagesApi::State::answer(const Request& req, MockRequest& seen) {
  std::string request_id;
  {
    std::lock_guard lock(mu);
    request_id = next_id("req");
  }
  const std::string path = seen.target.substr(0, seen.target.find('?'));
  if (path == "/api/hello") {  // the reachability probe of Claude Code's nonessential traffic
    if (req.method() != http::verb::head && req.method() != http::verb::get)
      return error_reply(http::status::method_not_allowed, "invalid_request_error",
                         "Method not allowed", request_id);
    return {http::status::ok, "application/json", "{}", {}, request_id};
  }
  const bool count_tokens = path == "/v1/messages/count_tokens";
  if (path != "/v1/messages" && !count_tokens)
    return error_reply(http::status::not_found, "not_found_error", "Not found: " + path,
                       request_id);
  if (req.method() != http::verb::post)
    return error_reply(http::status::method_not_allowed, "invalid_request_error",
                       "Method not allowed", request_id);
  if (!seen.api_key)
    return error_reply(http::status::unauthorized, "authentication_error",
                       "x-api-key header is required", request_id);
  if (req["anthropic-version"].empty())
    return error_reply(http::status::bad_request, "invalid_request_error",
                       "anthropic-version: header is required", request_id);
  const Body body = read_body(req.body(), count_tokens);
  seen.model = body.model;
  seen.stream = body.stream;
  if (!body.problem.empty())
    return error_reply(http::status::bad_request, "invalid_request_error", body.problem,
                       request_id);
  if (count_tokens) {
    // No tokenizer here: about four bytes of request per token.
    const auto estimate = static_cast<int64_t>((req.body().size() + 3) / 4);
    return {http::status::ok,
            "application/json",
            "{\"input_tokens\":" + std::to_string(estimate) + "}",
            {},
            request_id};
  }
  return messages(body, request_id);
}

net::awaitable<void> MockMessagesApi::State::serve(tcp::socket socket) {
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.body_limit(kBodyLimit);
    auto [read_error, n] = co_await http::async_read(stream, buffer, parser, kTuple);
    (void)n;
    if (read_error) break;
    const Request req = parser.release();
    MockRequest seen;
    seen.method = std::string(req.method_string());
    seen.target = std::string(req.target());
    seen.api_key = !req["x-api-key"].empty() || !req[http::field::authorization].empty();
    Reply reply;
    try {
      reply = answer(req, seen);
    } catch (const std::exception& e) {
      reply = error_reply(http::status::internal_server_error, "api_error", e.what(), "");
    }
    seen.status = static_cast<int>(reply.status);
    {
      std::lock_guard lock(mu);
      requests.push_back(seen);
    }
    beast::error_code write_error;
    if (reply.events.empty()) {
      http::response<http::string_body> res{reply.status, req.version()};
      res.set(http::field::content_type, reply.content_type);
      res.set("request-id", reply.request_id);
      res.keep_alive(req.keep_alive());
      if (req.method() != http::verb::head) res.body() = std::move(reply.body);
      res.prepare_payload();
      std::tie(write_error, n) = co_await http::async_write(stream, res, kTuple);
    } else {
      // Streamed as the API does: chunked, one chunk per event.
      http::response<http::empty_body> res{reply.status, req.version()};
      res.set(http::field::content_type, reply.content_type);
      res.set(http::field::cache_control, "no-cache");
      res.set("request-id", reply.request_id);
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

net::awaitable<void> MockMessagesApi::State::accept_loop() {
  for (;;) {
    auto [error, socket] = co_await acceptor.async_accept(kTuple);
    if (error) co_return;  // closed
    net::co_spawn(io, serve(std::move(socket)), net::detached);
  }
}

MockMessagesApi::MockMessagesApi(std::vector<MockResponse> script)
    : state_(std::make_unique<State>()) {
  for (const MockResponse& r : script)
    for (const MockBlock& b : r.blocks)
      if (b.kind == MockBlock::Kind::kToolUse && !mock_wire::is_json_object(b.input_json))
        throw std::invalid_argument("mock messages api: the input of tool_use " + b.tool_name +
                                    " is not a JSON object: " + b.input_json);
  state_->script.assign(std::make_move_iterator(script.begin()),
                        std::make_move_iterator(script.end()));
  std::random_device random;
  char tag[16];
  std::snprintf(tag, sizeof tag, "%08x", random());
  state_->tag = std::string("Mock") + tag;

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

MockMessagesApi::~MockMessagesApi() {
  // Pending connections end with the io_context, after the thread.
  state_->io.stop();
  state_->thread.join();
}

int MockMessagesApi::port() const {
  return state_->port;
}

std::string MockMessagesApi::base_url() const {
  return "http://127.0.0.1:" + std::to_string(state_->port);
}

std::vector<MockRequest> MockMessagesApi::requests() const {
  std::lock_guard lock(state_->mu);
  return state_->requests;
}

std::vector<MockServed> MockMessagesApi::served() const {
  std::lock_guard lock(state_->mu);
  return state_->served;
}

size_t MockMessagesApi::remaining() const {
  std::lock_guard lock(state_->mu);
  return state_->script.size();
}

}  // namespace codepulse::test
