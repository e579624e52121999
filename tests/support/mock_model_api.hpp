// The shape the mock model APIs share (mock_messages_api.hpp,
// mock_responses_api.hpp, mock_gemini_api.hpp): an HTTP/1.1 server on
// 127.0.0.1 (ephemeral port, own thread) that answers with the responses a
// test scripts, in order, and records every request it read and what it
// served.
#pragma once

#include <cstddef>
#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

namespace codepulse::test {

// What a mock records of each request it read, answered or not.
struct MockRequest {
  std::string method, target;  // "POST", "/v1/messages?beta=true"
  int status = 0;              // what it was answered with
  std::string model;           // the model asked for (in the body or the path), when known
  bool stream = false;         // it asked for a stream
  bool api_key = false;        // it carried an API key where its API wants one
  bool operator==(const MockRequest&) const = default;
};
// "{POST /v1/x -> 200, model m, stream, key}", for test messages.
std::ostream& operator<<(std::ostream& os, const MockRequest& r);

// The script and log of a mock (mock_model_api_internal.hpp).
template <class Answer, class Served>
struct MockLedger;

// Answer: one scripted response; Served: what one became on the wire. Each
// API's file defines how its requests are answered (see
// mock_model_api_internal.hpp) and instantiates this class.
template <class Answer, class Served>
class MockModelApi {
 public:
  // Throws std::invalid_argument when an answer of the script is malformed.
  explicit MockModelApi(std::vector<Answer> script);
  ~MockModelApi();
  MockModelApi(const MockModelApi&) = delete;
  MockModelApi& operator=(const MockModelApi&) = delete;

  int port() const;
  std::string base_url() const;  // "http://127.0.0.1:PORT"

  std::vector<MockRequest> requests() const;
  std::vector<Served> served() const;
  size_t remaining() const;  // scripted answers not served yet

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace codepulse::test
