#!/usr/bin/env bash
# A PostgreSQL server for benchmarks: Debian's binaries, a data directory of
# its own, 127.0.0.1 only, durable settings (fsync on, synchronous_commit on:
# a 2xx to a tracker means the batch is on disk, as with SQLite).
# Usage: bench/pg_server.sh start DIR PORT   (prints the URI of database "codepulse")
#        bench/pg_server.sh stop DIR
set -eu
cmd="$1"; dir="$2"
bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
case "$cmd" in
  start)
    port="$3"
    mkdir -p "$dir"
    [ "$(id -u)" -eq 0 ] && chown postgres "$dir"
    if [ ! -d "$dir/data" ]; then
      as_pg "$bin/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 --locale=C >/dev/null
    fi
    as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w start \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200 -c shared_buffers=1GB -c max_wal_size=4GB" >/dev/null
    as_pg "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -qc "CREATE DATABASE codepulse" 2>/dev/null || true
    echo "postgresql://postgres@127.0.0.1:$port/codepulse"
    ;;
  stop)
    as_pg "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
    ;;
  *) echo "usage: $0 start DIR PORT | stop DIR" >&2; exit 2 ;;
esac
