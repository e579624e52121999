// The store generation at serve start, and its fields in answers.
#include "collector/ingest/store_generation.hpp"

#include "common/time.hpp"

namespace codepulse::collector {

Result<StoreGeneration> serving_generation(Store& store, Logger& log) {
  auto g = store.generation();
  if (!g) return g.error();
  if (g->backup_copy) {
    g = store.renew_generation(g->backup_ms);
    if (!g) return g.error();
    log.warn("store",
             "this database is a backup copy served for the first time: new " +
                 describe_generation(*g) +
                 "; trackers send again what they shipped since the backup when they see it");
    return g;
  }
  log.info("store", describe_generation(*g));
  return g;
}

void write_generation_fields(JsonWriter& w, const StoreGeneration& g) {
  w.field("generation", g.id);
  if (g.backup_ms) w.field("backup_time", format_iso8601_utc_ms(*g.backup_ms));
}

std::string generation_json(const StoreGeneration& g) {
  std::string out;
  JsonWriter w(out);
  w.begin_object();
  write_generation_fields(w, g);
  w.end_object();
  return out;
}

std::string describe_generation(const StoreGeneration& g) {
  std::string out = "store generation " + g.id + " (since " + format_iso8601_utc_ms(g.since_ms);
  if (g.backup_ms) out += ", restored from a backup of " + format_iso8601_utc_ms(*g.backup_ms);
  return out + ")";
}

}  // namespace codepulse::collector
