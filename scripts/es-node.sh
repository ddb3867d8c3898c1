#!/usr/bin/env bash
# A real, single-node Elasticsearch 8 for development and tests (not for production: use docker-compose.yml).
#
#   scripts/es-node.sh start    fetch (once), unpack (once), start, wait for health; prints the URL on stdout
#   scripts/es-node.sh stop     stop the node started by `start` (by its pid file) and wait until it is gone
#   scripts/es-node.sh status   print the URL and exit 0 when the node answers, exit 1 otherwise
#   scripts/es-node.sh url      print the URL of the running node (exit 1 when none)
#
# Elastic's own test distribution comes from Maven Central through Maven:
# org.elasticsearch.distribution.integ-test-zip:elasticsearch:<version>:zip. It carries only the security
# module (switched off here: a loopback-only test node), no ILM and no analysis-common; it binds to
# loopback only, so the production bootstrap checks do not apply.
#
# Environment (all optional):
#   YUQING_ES_VERSION   distribution version (default 8.19.21, the newest 8.x on Maven Central at the time of
#                       writing; 9.x needs Java 21 and client 9)
#   YUQING_ES_INSTANCE  instance name, so CI, tests and a developer's node can run side by side (default dev)
#   YUQING_ES_PORT      HTTP port (default: a free port chosen at first start, then kept for the instance)
#   YUQING_ES_HEAP      JVM heap, e.g. 512m (default 512m: this is a 2-core, small-memory setting)
#   YUQING_ES_DATA      data directory (default .cache/elasticsearch/instances/<instance>/data)
#   YUQING_ES_CACHE     cache root (default <repo>/.cache/elasticsearch)
#   YUQING_ES_USER      unprivileged user the node runs as when this script runs as root (default yuqing-es)
#   YUQING_ES_FRESH=1   wipe the instance's data before starting (tests that want an empty node)
# Messages go to stderr (zh-TW first); stdout carries only the URL, so `URL=$(scripts/es-node.sh start)` works.
set -euo pipefail

VERSION="${YUQING_ES_VERSION:-8.19.21}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${YUQING_ES_CACHE:-$ROOT/.cache/elasticsearch}"
INSTANCE="${YUQING_ES_INSTANCE:-dev}"
HEAP="${YUQING_ES_HEAP:-512m}"
ES_USER="${YUQING_ES_USER:-yuqing-es}"
DIST="$CACHE/$VERSION/elasticsearch-$VERSION"
RUN="$CACHE/instances/$INSTANCE"
DATA="${YUQING_ES_DATA:-$RUN/data}"
PID_FILE="$RUN/es.pid"
PORT_FILE="$RUN/port"
HEALTH_TIMEOUT_S="${YUQING_ES_TIMEOUT_S:-180}"

say() { printf '%s\n' "$*" >&2; }
die() { say "es-node: $*"; exit 1; }

url_of() { printf 'http://127.0.0.1:%s' "$1"; }

# True when the node on that port answers a cluster-health request with yellow or green.
healthy() {
  local body
  body="$(curl -s -m 5 "$(url_of "$1")/_cluster/health?wait_for_status=yellow&timeout=2s" 2>/dev/null)" || return 1
  [[ "$body" == *'"status":"green"'* || "$body" == *'"status":"yellow"'* ]]
}

running_pid() {
  [[ -s "$PID_FILE" ]] || return 1
  local pid
  pid="$(cat "$PID_FILE")"
  kill -0 "$pid" 2>/dev/null || return 1
  printf '%s' "$pid"
}

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{process.stdout.write(String(s.address().port));s.close()})'
}

# Download (Maven) and unpack once; a second run finds $DIST/.complete and does nothing.
ensure_distribution() {
  [[ -f "$DIST/.complete" ]] && return 0
  command -v mvn >/dev/null || die "找不到 Maven (mvn not found): 需要 Maven 下載測試用 Elasticsearch"
  command -v java >/dev/null || die "找不到 Java (java not found): Elasticsearch 8 需要 Java 17 以上"
  local dl="$CACHE/$VERSION/download"
  mkdir -p "$dl"
  if [[ ! -f "$dl/elasticsearch-$VERSION.zip" ]]; then
    say "從 Maven Central 下載 Elasticsearch $VERSION 測試版 (fetching the integ-test-zip distribution)…"
    mvn -q -B dependency:copy \
      "-Dartifact=org.elasticsearch.distribution.integ-test-zip:elasticsearch:$VERSION:zip" \
      "-DoutputDirectory=$dl" >"$dl/mvn.log" 2>&1 \
      || { cat "$dl/mvn.log" >&2; die "Maven 下載失敗 (download failed): 版本 $VERSION 是否存在於 Maven Central？"; }
  fi
  say "解壓縮 (unpacking) $DIST …"
  rm -rf "$DIST" "$CACHE/$VERSION/unpack"
  mkdir -p "$CACHE/$VERSION/unpack"
  unzip -q "$dl/elasticsearch-$VERSION.zip" -d "$CACHE/$VERSION/unpack"
  mv "$CACHE/$VERSION/unpack/elasticsearch-$VERSION" "$DIST"
  rmdir "$CACHE/$VERSION/unpack"
  # The node runs as an unprivileged user: it reads the distribution but never writes to it.
  chmod -R a+rX "$DIST"
  touch "$DIST/.complete"
}

# The integ-test-zip distribution lacks the analysis-common module that registers the built-in `cjk`
# analyzer our mappings use; scripts/es-test-cjk/ registers Lucene's CJKAnalyzer (already in lib/) under
# that name. Built with the distribution's own jars, once per distribution and source version.
ensure_cjk_plugin() {
  local src="$ROOT/scripts/es-test-cjk/YuqingTestCjkPlugin.java"
  local dest="$DIST/plugins/yuqing-test-cjk"
  local stamp
  stamp="$(sha256sum "$src" | cut -c1-16)"
  [[ -f "$dest/.stamp" && "$(cat "$dest/.stamp")" == "$stamp" ]] && return 0
  command -v javac >/dev/null || die "找不到 javac (JDK 17 required to build the test-node cjk shim)"
  say "建置測試節點的 cjk 分析器外掛 (building the test-node cjk analyzer shim)…"
  local build="$CACHE/$VERSION/cjk-build"
  rm -rf "$build" "$dest"
  mkdir -p "$build/classes" "$dest"
  javac -nowarn --release 17 -d "$build/classes" -cp "$DIST/lib/*" "$src" 2>"$build/javac.log" \
    || { cat "$build/javac.log" >&2; die "cjk 外掛編譯失敗 (shim build failed)"; }
  jar --create --file "$dest/yuqing-test-cjk.jar" -C "$build/classes" .
  cat >"$dest/plugin-descriptor.properties" <<PROPS
description=Test-node shim: registers Lucene's CJKAnalyzer as the built-in cjk analyzer (integ-test-zip lacks analysis-common)
version=$VERSION
name=yuqing-test-cjk
classname=tw.yuqing.testnode.YuqingTestCjkPlugin
java.version=17
elasticsearch.version=$VERSION
PROPS
  chmod -R a+rX "$dest"
  printf '%s' "$stamp" >"$dest/.stamp"
}

# Elasticsearch refuses to run as root. As root, create the user once and give it only the instance dirs.
as_node_user() {
  if [[ "$(id -u)" -ne 0 ]]; then
    "$@"
    return
  fi
  runuser -u "$ES_USER" -- "$@"
}

ensure_user() {
  [[ "$(id -u)" -eq 0 ]] || return 0
  id -u "$ES_USER" >/dev/null 2>&1 && return 0
  say "建立執行 Elasticsearch 的非特權帳號 $ES_USER (creating unprivileged user)"
  useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$ES_USER"
}

# Every parent of the distribution must be traversable by the node user.
check_traversable() {
  [[ "$(id -u)" -eq 0 ]] || return 0
  runuser -u "$ES_USER" -- test -r "$DIST/bin/elasticsearch" \
    || die "帳號 $ES_USER 讀不到 $DIST (the node user cannot read the distribution): 請把快取放在可讀的位置，例如 YUQING_ES_CACHE=/var/tmp/yuqing-es"
}

cmd_start() {
  local pid port
  if pid="$(running_pid)"; then
    port="$(cat "$PORT_FILE")"
    if healthy "$port"; then
      say "Elasticsearch 已在執行 (already running), pid $pid"
      url_of "$port"; echo
      return 0
    fi
  fi
  ensure_distribution
  ensure_cjk_plugin
  ensure_user
  check_traversable

  mkdir -p "$RUN"
  if [[ -n "${YUQING_ES_PORT:-}" ]]; then
    port="$YUQING_ES_PORT"
  elif [[ -s "$PORT_FILE" ]] && ! (exec 3<>"/dev/tcp/127.0.0.1/$(cat "$PORT_FILE")") 2>/dev/null; then
    port="$(cat "$PORT_FILE")" # keep the instance's URL stable across restarts while the port is free
  else
    port="$(free_port)"
  fi
  [[ "${YUQING_ES_FRESH:-0}" == 1 ]] && rm -rf "$DATA"
  # A per-instance config dir: the node writes its keystore there, never into the shared distribution.
  rm -rf "$RUN/config"
  cp -R "$DIST/config" "$RUN/config"
  mkdir -p "$DATA" "$RUN/logs" "$RUN/tmp"
  rm -f "$PID_FILE"
  if [[ "$(id -u)" -eq 0 ]]; then
    chown -R "$ES_USER" "$RUN" "$DATA"
  fi
  printf '%s' "$port" >"$PORT_FILE"

  local java_home
  java_home="${ES_JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}"
  say "啟動 Elasticsearch $VERSION (starting) on 127.0.0.1:$port, heap $HEAP, data $DATA"
  as_node_user env \
    ES_JAVA_HOME="$java_home" \
    ES_PATH_CONF="$RUN/config" \
    ES_TMPDIR="$RUN/tmp" \
    ES_JAVA_OPTS="-Xms$HEAP -Xmx$HEAP ${YUQING_ES_JAVA_OPTS:-}" \
    "$DIST/bin/elasticsearch" -d -p "$PID_FILE" \
    -E "cluster.name=yuqing-$INSTANCE" \
    -E "node.name=yuqing-$INSTANCE" \
    -E discovery.type=single-node \
    -E network.host=127.0.0.1 \
    -E "http.port=$port" \
    -E "path.data=$DATA" \
    -E "path.logs=$RUN/logs" \
    -E xpack.security.enabled=false \
    -E cluster.routing.allocation.disk.threshold_enabled=false \
    -E action.auto_create_index=true \
    >"$RUN/start.log" 2>&1 \
    || { tail -n 40 "$RUN/start.log" >&2; die "Elasticsearch 啟動失敗 (failed to start); 記錄檔 (logs): $RUN/logs"; }

  local waited=0
  until healthy "$port"; do
    if ! running_pid >/dev/null; then
      tail -n 40 "$RUN/logs/yuqing-$INSTANCE.log" >&2 2>/dev/null || true
      die "Elasticsearch 已結束 (exited during start-up); 記錄檔 (logs): $RUN/logs"
    fi
    (( waited >= HEALTH_TIMEOUT_S )) && die "等候 Elasticsearch 健康狀態逾時 (${HEALTH_TIMEOUT_S}s health timeout); 記錄檔 (logs): $RUN/logs"
    sleep 1
    waited=$((waited + 1))
  done
  say "Elasticsearch 就緒 (ready): $(url_of "$port")"
  url_of "$port"; echo
}

cmd_stop() {
  local pid
  if ! pid="$(running_pid)"; then
    say "Elasticsearch 未在執行 (not running): instance $INSTANCE"
    rm -f "$PID_FILE"
    return 0
  fi
  say "停止 Elasticsearch (stopping) pid $pid …"
  kill -TERM "$pid"
  local waited=0
  while kill -0 "$pid" 2>/dev/null; do
    if (( waited >= 120 )); then # half-second steps
      say "60 秒內未結束，強制終止 (not gone after 60 s, killing) pid $pid"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    sleep 0.5
    waited=$((waited + 1))
  done
  rm -f "$PID_FILE"
  say "已停止 (stopped)"
}

cmd_url() {
  running_pid >/dev/null || return 1
  url_of "$(cat "$PORT_FILE")"; echo
}

cmd_status() {
  local port
  if running_pid >/dev/null && port="$(cat "$PORT_FILE")" && healthy "$port"; then
    say "Elasticsearch 正常 (healthy): instance $INSTANCE"
    url_of "$port"; echo
    return 0
  fi
  say "Elasticsearch 未在執行或不健康 (not running or unhealthy): instance $INSTANCE"
  return 1
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  url) cmd_url ;;
  *) say "用法 (usage): $0 start|stop|status|url"; exit 2 ;;
esac
