// The ship status fields both of its JSON spellings share (ship_status.hpp).
#include "tracker/ship/ship_status.hpp"

namespace codepulse::tracker {

void write_ship_counts(JsonWriter& w, const ShipStatus& status) {
  w.field("collector", status.collector)
      .field("batches_shipped", status.batches_shipped)
      .field("records_shipped", status.records_shipped)
      .field("commits_shipped", status.commits_shipped)
      .field("records_quarantined", status.records_quarantined);
}

}  // namespace codepulse::tracker
