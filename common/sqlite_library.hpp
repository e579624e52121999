// SQLite's settings for the whole process, made once at the top of main()
// before any database is opened: sqlite3_config() refuses them afterwards.
#pragma once

namespace codepulse::sql {

// Turns off SQLite's memory statistics: with them on (its default) every
// allocation SQLite makes takes a process-wide mutex, about 2% of a cold
// scan's CPU. Nothing in codepulse reads them. False when SQLite was already
// initialised, which leaves the default: slower, not wrong.
bool configure_library();

}  // namespace codepulse::sql
