// JSON strings as the writer escapes them (common/json_writer.hpp): plain
// runs copied whole, quotes, backslashes and control characters escaped,
// valid UTF-8 kept and invalid bytes replaced.
#include "common/json_writer.hpp"

#include <catch2/catch.hpp>
#include <string>

using namespace codepulse;

namespace {

std::string escaped(std::string_view s) {
  std::string out;
  append_json_string(out, s);
  return out;
}

}  // namespace

TEST_CASE("JSON strings: plain text whole, everything else escaped", "[json]") {
  CHECK(escaped("") == R"("")");
  CHECK(escaped("cost_per_session_nanos") == R"("cost_per_session_nanos")");
  CHECK(escaped(R"(a"b\c)") == R"("a\"b\\c")");
  CHECK(escaped("line\nnext\ttab\r\b\f") == R"("line\nnext\ttab\r\b\f")");
  CHECK(escaped(std::string("nul\0x", 5)) == R"("nul\u0000x")");
  CHECK(escaped("\x1f\x7f~ ") == R"("\u001f\u007f~ ")");
  CHECK(escaped("caf\xc3\xa9 \xe2\x82\xac") == "\"caf\xc3\xa9 \xe2\x82\xac\"");
  CHECK(escaped("bad \xff byte") == R"("bad \ufffd byte")");
  CHECK(escaped("cut \xe2\x82") == R"("cut \ufffd\ufffd")");
}

TEST_CASE("the writer places commas and colons", "[json]") {
  std::string out;
  JsonWriter w(out);
  w.begin_object().field("a", int64_t{1}).key("b").begin_array().value("x").null().end_array();
  w.field("c", true).key("d").raw_number("1.500000").end_object();
  CHECK(out == R"({"a":1,"b":["x",null],"c":true,"d":1.500000})");
}
