// The mock Messages API (tests/support/mock_messages_api.hpp) over real
// HTTP: the streamed events and whole messages it serves, the errors it
// answers bad requests with, and its log of requests.
#include "tests/support/mock_messages_api.hpp"

#include <simdjson.h>

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <catch2/catch.hpp>
#include <stdexcept>

using namespace codepulse::test;

namespace {

namespace http = boost::beast::http;

struct Answer {
  int status = 0;
  std::string content_type, request_id, body;
  bool chunked = false;
};

// One request on its own connection, as a client of the API sends it.
Answer send(int port, http::verb method, const std::string& target, const std::string& body,
            bool api_key = true) {
  boost::asio::io_context io;
  boost::beast::tcp_stream stream(io);
  stream.connect({boost::asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)});
  http::request<http::string_body> req{method, target, 11};
  req.set(http::field::host, "127.0.0.1");
  req.set(http::field::content_type, "application/json");
  req.set("anthropic-version", "2023-06-01");
  if (api_key) req.set("x-api-key", "sk-ant-test");
  req.body() = body;
  req.prepare_payload();
  http::write(stream, req);
  boost::beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.skip(method == http::verb::head);
  http::read(stream, buffer, parser);
  const auto& res = parser.get();
  return {static_cast<int>(res.result_int()), std::string(res[http::field::content_type]),
          std::string(res["request-id"]), res.body(), res.chunked()};
}

std::string messages_body(bool stream) {
  return std::string(R"({"model":"claude-opus-5-5","max_tokens":1000,"stream":)") +
         (stream ? "true" : "false") + R"(,"messages":[{"role":"user","content":"hi"}]})";
}

std::string error_type(const std::string& body) {
  simdjson::dom::parser p;
  simdjson::dom::element doc;
  std::string_view type, kind;
  if (p.parse(body).get(doc) || doc["type"].get_string().get(kind) || kind != "error" ||
      doc["error"]["type"].get_string().get(type) || doc["error"]["message"].error())
    return "not an error object: " + body;
  return std::string(type);
}

std::vector<MockResponse> two_responses() {
  MockResponse tool;
  tool.blocks = {MockBlock::text_block("Writing é and more words"),
                 MockBlock::tool_use("Write", R"({"file_path":"/tmp/a b.txt","content":"x\n"})")};
  tool.usage.input_tokens = 10;
  tool.usage.output_tokens = 20;
  tool.usage.cache_creation_input_tokens = 30;
  tool.usage.cache_read_input_tokens = 40;
  tool.usage.cache_creation = MockCacheCreation{10, 20};
  tool.usage.server_tool_use = MockServerToolUse{2, 1};
  tool.usage.inference_geo = "us";
  tool.usage.iterations =
      std::vector<MockIteration>{{"advisor_message", "claude-opus-5", 5, 6, 7, 8, std::nullopt}};
  MockResponse text;
  text.blocks = {MockBlock::text_block("done")};
  text.model = "claude-haiku-5-5";
  text.usage.input_tokens = 1;
  text.usage.output_tokens = 2;
  return {tool, text};
}

}  // namespace

TEST_CASE("the mock Messages API streams a scripted response as server-sent events",
          "[mock-messages-api]") {
  MockMessagesApi api(two_responses());
  const Answer a =
      send(api.port(), http::verb::post, "/v1/messages?beta=true", messages_body(true));
  REQUIRE(a.status == 200);
  CHECK(a.content_type == "text/event-stream; charset=utf-8");
  CHECK(a.chunked);
  std::vector<std::string> names;
  std::string text, input, stop_reason;
  simdjson::dom::parser p;
  for (size_t pos = 0; pos < a.body.size();) {
    const size_t end = a.body.find("\n\n", pos);
    REQUIRE(end != std::string::npos);
    const std::string event = a.body.substr(pos, end - pos);
    pos = end + 2;
    const size_t nl = event.find('\n');
    REQUIRE(event.starts_with("event: "));
    REQUIRE(event.substr(nl + 1).starts_with("data: "));
    names.push_back(event.substr(7, nl - 7));
    simdjson::dom::element data;
    REQUIRE_FALSE(p.parse(event.substr(nl + 7)).get(data));
    std::string_view type = data["type"].get_string().value();
    CHECK(type == names.back());
    if (type == "message_start") {
      CHECK(data["message"]["model"].get_string().value() == "claude-opus-5-5");
      CHECK(data["message"]["usage"]["output_tokens"].get_int64().value() == 1);
      CHECK(data["message"]["usage"]["cache_creation"]["ephemeral_1h_input_tokens"]
                .get_int64()
                .value() == 20);
    } else if (type == "content_block_delta") {
      std::string_view kind = data["delta"]["type"].get_string().value();
      if (kind == "text_delta") text += data["delta"]["text"].get_string().value();
      if (kind == "input_json_delta") input += data["delta"]["partial_json"].get_string().value();
    } else if (type == "message_delta") {
      stop_reason = std::string(data["delta"]["stop_reason"].get_string().value());
      const auto usage = data["usage"];
      CHECK(usage["output_tokens"].get_int64().value() == 20);
      CHECK(usage["cache_read_input_tokens"].get_int64().value() == 40);
      CHECK(usage["server_tool_use"]["web_search_requests"].get_int64().value() == 2);
      CHECK(usage["inference_geo"].get_string().value() == "us");
      CHECK(usage["iterations"].at(0)["model"].get_string().value() == "claude-opus-5");
    }
  }
  CHECK(names.front() == "message_start");
  CHECK(names.back() == "message_stop");
  CHECK(std::count(names.begin(), names.end(), "content_block_start") == 2);
  CHECK(std::count(names.begin(), names.end(), "content_block_stop") == 2);
  CHECK(text == "Writing é and more words");
  CHECK(input == R"({"file_path":"/tmp/a b.txt","content":"x\n"})");
  CHECK(stop_reason == "tool_use");

  // Without "stream": one JSON message, under the model the script names.
  const Answer whole =
      send(api.port(), http::verb::post, "/v1/messages?beta=true", messages_body(false));
  REQUIRE(whole.status == 200);
  simdjson::dom::element msg;
  REQUIRE_FALSE(p.parse(whole.body).get(msg));
  CHECK(msg["model"].get_string().value() == "claude-haiku-5-5");
  CHECK(msg["content"].at(0)["text"].get_string().value() == "done");
  CHECK(msg["stop_reason"].get_string().value() == "end_turn");
  CHECK(msg["usage"]["output_tokens"].get_int64().value() == 2);
  CHECK(msg["usage"]["cache_creation"].error() == simdjson::NO_SUCH_FIELD);  // left out

  const std::vector<MockServed> served = api.served();
  REQUIRE(served.size() == 2);
  CHECK(served[0].streamed);
  CHECK(served[0].request_id == a.request_id);
  CHECK(served[0].tool_use_ids.size() == 1);
  CHECK(served[1].model == "claude-haiku-5-5");
  CHECK(served[0].message_id != served[1].message_id);
  CHECK(api.remaining() == 0);
}

TEST_CASE("the mock Messages API answers bad requests with the API's error JSON",
          "[mock-messages-api]") {
  MockMessagesApi api(two_responses());
  const int port = api.port();
  const Answer no_key =
      send(port, http::verb::post, "/v1/messages", messages_body(true), /*api_key=*/false);
  CHECK(no_key.status == 401);
  CHECK(error_type(no_key.body) == "authentication_error");
  const Answer not_json = send(port, http::verb::post, "/v1/messages", "{\"model\":");
  CHECK(not_json.status == 400);
  CHECK(error_type(not_json.body) == "invalid_request_error");
  const Answer no_messages =
      send(port, http::verb::post, "/v1/messages", R"({"model":"m","max_tokens":5})");
  CHECK(no_messages.status == 400);
  CHECK(no_messages.body.find("messages") != std::string::npos);
  const Answer unknown = send(port, http::verb::post, "/v1/complete", messages_body(false));
  CHECK(unknown.status == 404);
  CHECK(error_type(unknown.body) == "not_found_error");
  const Answer get = send(port, http::verb::get, "/v1/messages", "");
  CHECK(get.status == 405);
  CHECK(error_type(get.body) == "invalid_request_error");
  CHECK(api.remaining() == 2);  // nothing served to a bad request

  // The other endpoints Claude Code may call, then the end of the script.
  const Answer hello = send(port, http::verb::head, "/api/hello", "");
  CHECK(hello.status == 200);
  const Answer count = send(port, http::verb::post, "/v1/messages/count_tokens?beta=true",
                            R"({"model":"m","messages":[]})");
  CHECK(count.status == 200);
  CHECK(count.body.find("\"input_tokens\":") != std::string::npos);
  send(port, http::verb::post, "/v1/messages", messages_body(true));
  send(port, http::verb::post, "/v1/messages", messages_body(true));
  const Answer past_end = send(port, http::verb::post, "/v1/messages", messages_body(true));
  CHECK(past_end.status == 400);
  CHECK(past_end.body.find("no response left") != std::string::npos);

  const std::vector<MockRequest> seen = api.requests();
  REQUIRE(seen.size() == 10);
  CHECK(seen[0].status == 401);
  CHECK_FALSE(seen[0].api_key);
  CHECK(seen[4].method == "GET");
  CHECK(seen[5].target == "/api/hello");
  CHECK(seen[6].target == "/v1/messages/count_tokens?beta=true");
  CHECK(seen[7].model == "claude-opus-5-5");
  CHECK(seen[7].stream);
  CHECK(seen[9].status == 400);
}

TEST_CASE("the mock Messages API refuses a tool input that is not a JSON object",
          "[mock-messages-api]") {
  MockResponse r;
  r.blocks = {MockBlock::tool_use("Bash", "[1,2]")};
  CHECK_THROWS_WITH(MockMessagesApi({r}), Catch::Contains("not a JSON object"));
}
