// The store generation as the server uses it: settled once at start (a backup
// copy served for the first time gets a new one, logged), then sent in every
// batch answer and in GET /v1/generation (proto/README.md, "Store generation").
#pragma once

#include <string>

#include "collector/store/store.hpp"
#include "common/json_writer.hpp"
#include "common/log/logger.hpp"

namespace codepulse::collector {

// The generation to serve with. A database that is a copy `backup` made
// gets a new id now (so a copy restored twice is two restores), keeping its
// backup time; both are logged.
Result<StoreGeneration> serving_generation(Store& store, Logger& log);
// "generation" and, when the backup time is known, "backup_time" (ISO-8601
// UTC) into the object `w` is writing.
void write_generation_fields(JsonWriter& w, const StoreGeneration& g);
// {"generation": ..., "backup_time": ...}: GET /v1/generation's body.
std::string generation_json(const StoreGeneration& g);
// One line for people: the id, and the backup it was restored from.
std::string describe_generation(const StoreGeneration& g);

}  // namespace codepulse::collector
