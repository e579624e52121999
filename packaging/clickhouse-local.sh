# Sourced by packaging/quickstart.sh and bench/report.sh: clickhouse_server
# DIR starts Debian's clickhouse-server (packaging/install-deps.sh installs
# it) as this user, from a config in DIR, on a free port of 127.0.0.1, and
# prints that port once /ping answers. Its data stays in DIR/data; stop it
# with: kill "$(cat DIR/pid)". An optional second argument is more of the
# server's configuration (XML inside <yandex>), e.g. a tcp_port and the
# remote_servers of a cluster (bench/report.sh SHARDS=2).
clickhouse_server() {
  local dir="$1" extra="${2:-}" bin port
  # Debian installs it in /usr/sbin, which a user's PATH may lack.
  bin="$(command -v clickhouse-server || echo /usr/sbin/clickhouse-server)"
  [ -x "$bin" ] || bin=/usr/bin/clickhouse
  [ -x "$bin" ] || { echo "clickhouse-server is not installed (packaging/install-deps.sh)" >&2; return 1; }
  mkdir -p "$dir/log" "$dir/data" "$dir/tmp"
  port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
  cat > "$dir/config.xml" <<XML
<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>$dir/log/server.log</log><errorlog>$dir/log/server.err.log</errorlog></logger>
  <listen_host>127.0.0.1</listen_host>
  <http_port>$port</http_port>
  <path>$dir/data/</path>
  <tmp_path>$dir/tmp/</tmp_path>
  <timezone>UTC</timezone>
  <mark_cache_size>268435456</mark_cache_size>
  <max_concurrent_queries>50</max_concurrent_queries>
  <profiles><default/></profiles>
  <users><default><password></password><networks><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota></default></users>
  <quotas><default/></quotas>
$extra
</yandex>
XML
  if [ "$(basename "$bin")" = clickhouse ]; then
    setsid "$bin" server --config-file="$dir/config.xml" < /dev/null > "$dir/log/stdout.log" 2>&1 &
  else
    setsid "$bin" --config-file="$dir/config.xml" < /dev/null > "$dir/log/stdout.log" 2>&1 &
  fi
  echo $! > "$dir/pid"
  for _ in $(seq 300); do
    curl -s "http://127.0.0.1:$port/ping" 2>/dev/null | grep -q Ok && { echo "$port"; return 0; }
    sleep 0.1
  done
  echo "clickhouse-server did not answer; see $dir/log" >&2
  return 1
}
