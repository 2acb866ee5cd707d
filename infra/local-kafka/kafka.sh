#!/usr/bin/env bash
# Local single-node Apache Kafka 4.x broker (KRaft, broker+controller in one JVM), no Docker.
# Jars come from Maven Central (see pom.xml) and are cached outside the work tree.
#
#   kafka.sh start   idempotent; fetch jars once, format storage once, start, wait until ready
#   kafka.sh stop    SIGTERM, wait, SIGKILL after KAFKA_STOP_TIMEOUT seconds
#   kafka.sh restart stop + start
#   kafka.sh status  exit 0 when running and answering, 3 otherwise
#   kafka.sh logs    tail the broker log (extra args go to tail, e.g. `logs -f`, `logs -n 500`)
#   kafka.sh reset   stop and delete the state dir (all topics and offsets)
#   kafka.sh topics [list | create NAME [PARTITIONS] | delete NAME]   (broker must be running)
#   kafka.sh groups  list consumer groups with type/protocol/state
#   kafka.sh libs    fetch the jars when missing and print their folder (tests start extra brokers from it)
#
# Environment:
#   KAFKA_PORT              client listener, 127.0.0.1 only        (default 19092)
#   KAFKA_CONTROLLER_PORT   KRaft controller listener              (default 19093)
#   AUTOVERIFY_STATE_DIR    state root; broker state in <it>/kafka (default <repo>/.local)
#   XDG_CACHE_HOME          jar cache root                         (default ~/.cache)
#   KAFKA_HEAP              JVM heap flags                         (default -Xmx512m -Xms256m)
#   KAFKA_START_TIMEOUT     seconds to wait for readiness          (default 120)
#   KAFKA_STOP_TIMEOUT      seconds to wait before SIGKILL         (default 30)
#   LOCAL_KAFKA_READY_CHECK auto|kcat|java: how readiness is probed (default auto = kcat
#                           when installed, else Admin.describeCluster via LocalKafkaAdmin.java)
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
POM="$SCRIPT_DIR/pom.xml"
LOG4J_CONFIG="$SCRIPT_DIR/log4j2.xml"

KAFKA_VERSION="$(sed -n 's:.*<kafka.version>\([^<]*\)</kafka.version>.*:\1:p' "$POM" | head -n1)"
[ -n "$KAFKA_VERSION" ] || { echo "kafka.sh: cannot read <kafka.version> from $POM" >&2; exit 1; }

PORT="${KAFKA_PORT:-19092}"
CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-19093}"
HOST=127.0.0.1
CACHE_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/autoverify/kafka-$KAFKA_VERSION"
LIBS="$CACHE_DIR/libs"
STATE_DIR="${AUTOVERIFY_STATE_DIR:-$REPO_ROOT/.local}/kafka"
DATA_DIR="$STATE_DIR/data"
PROPS="$STATE_DIR/server.properties"
CLUSTER_ID_FILE="$STATE_DIR/cluster.id"
PID_FILE="$STATE_DIR/kafka.pid"
LOG_FILE="$STATE_DIR/kafka.log"
START_TIMEOUT="${KAFKA_START_TIMEOUT:-120}"
STOP_TIMEOUT="${KAFKA_STOP_TIMEOUT:-30}"
HEAP="${KAFKA_HEAP:--Xmx512m -Xms256m}"
READY_LINE="Kafka Server started"

log() { echo "kafka.sh: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

need() { command -v "$1" >/dev/null 2>&1 || die "'$1' not found on PATH ($2)"; }

check_java() {
  need java "install a JDK >= 17, e.g. apt-get install -y openjdk-17-jdk-headless"
  local v
  v="$(java -version 2>&1 | sed -n 's/.* version "\([0-9]*\).*/\1/p' | head -n1)"
  [ -n "$v" ] && [ "$v" -ge 17 ] || die "Kafka 4.x needs Java >= 17 (found: ${v:-unknown})"
}

# --- process helpers --------------------------------------------------------------------------

port_open() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }

# pid from the pid file, only if that process is alive and really is our broker
broker_pid() {
  [ -f "$PID_FILE" ] || return 1
  local pid
  pid="$(cat "$PID_FILE" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "kafka.Kafka $PROPS" || return 1
  echo "$pid"
}

# does the broker answer a metadata/describeCluster request?
api_ready() {
  case "${LOCAL_KAFKA_READY_CHECK:-auto}" in
    kcat) kcat_ready ;;
    java) admin ready >/dev/null 2>&1 ;;
    *) if command -v kcat >/dev/null 2>&1; then kcat_ready; else admin ready >/dev/null 2>&1; fi ;;
  esac
}

kcat_ready() { kcat -b "$HOST:$PORT" -L -m 5 2>/dev/null | grep -q "broker 1 at"; }

# LocalKafkaAdmin.java via the JDK single-file source launcher (kafka-clients from the jar cache)
admin() {
  [ -f "$LIBS/kafka-clients-$KAFKA_VERSION.jar" ] || die "jars not fetched yet; run: $0 start"
  java -Xmx128m -Dlog4j2.configurationFile="$LOG4J_CONFIG" -cp "$LIBS/*" \
    "$SCRIPT_DIR/LocalKafkaAdmin.java" "$HOST:$PORT" "$@"
}

# --- jars --------------------------------------------------------------------------------------

fetch_jars() {
  if [ -f "$LIBS/kafka_2.13-$KAFKA_VERSION.jar" ]; then return 0; fi
  need mvn "apt-get install -y maven"
  mkdir -p "$CACHE_DIR"
  exec 8>"$CACHE_DIR/.fetch.lock"
  flock -w 600 8 || die "timed out waiting for another jar fetch ($CACHE_DIR/.fetch.lock)"
  if [ ! -f "$LIBS/kafka_2.13-$KAFKA_VERSION.jar" ]; then
    log "fetching Kafka $KAFKA_VERSION jars from Maven Central into $LIBS"
    local tmp="$CACHE_DIR/libs.tmp.$$"
    rm -rf "$tmp"
    if ! mvn -q -B -Dstyle.color=never -f "$POM" dependency:copy-dependencies \
      -DoutputDirectory="$tmp" -DincludeScope=runtime >"$CACHE_DIR/fetch.log" 2>&1; then
      rm -rf "$tmp"
      tail -n 30 "$CACHE_DIR/fetch.log" >&2
      die "mvn dependency:copy-dependencies failed (full output: $CACHE_DIR/fetch.log)"
    fi
    [ -f "$tmp/kafka_2.13-$KAFKA_VERSION.jar" ] || { rm -rf "$tmp"; die "fetch incomplete: no kafka_2.13-$KAFKA_VERSION.jar"; }
    rm -rf "$LIBS"
    mv "$tmp" "$LIBS"
  fi
  exec 8>&-
}

# --- config & storage --------------------------------------------------------------------------

write_props() {
  cat >"$PROPS.tmp" <<EOF
# Generated by infra/local-kafka/kafka.sh on every start - edit the script, not this file.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$HOST:$CONTROLLER_PORT
controller.listener.names=CONTROLLER
listeners=PLAINTEXT://$HOST:$PORT,CONTROLLER://$HOST:$CONTROLLER_PORT
advertised.listeners=PLAINTEXT://$HOST:$PORT
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$DATA_DIR

# topics: explicit creation only, single replica
auto.create.topics.enable=false
num.partitions=3
default.replication.factor=1
min.insync.replicas=1
log.retention.hours=168

# internal topics on a single node (replication 1, few partitions for a fast first use)
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=10
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
share.coordinator.state.topic.num.partitions=10

# dev speed
group.initial.rebalance.delay.ms=0
# after an unclean exit (kill -9) the controller refuses the re-registration until the old broker
# session expires (default 9s); a shorter session makes such restarts ~3s instead of ~12s
broker.heartbeat.interval.ms=1000
broker.session.timeout.ms=4000
num.network.threads=2
num.io.threads=4
num.recovery.threads.per.data.dir=1
EOF
  mv "$PROPS.tmp" "$PROPS"
}

new_cluster_id() {
  local id
  while :; do
    id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
    [ "${id:0:1}" != "-" ] && [ "$id" != "AAAAAAAAAAAAAAAAAAAAAA" ] && break
  done
  echo "$id"
}

format_storage() {
  if [ -f "$DATA_DIR/meta.properties" ]; then return 0; fi
  local id
  if [ -s "$CLUSTER_ID_FILE" ]; then id="$(cat "$CLUSTER_ID_FILE")"; else
    id="$(new_cluster_id)"; echo "$id" >"$CLUSTER_ID_FILE"
  fi
  log "formatting storage in $DATA_DIR (cluster id $id)"
  java -Xmx256m -Dlog4j2.configurationFile="$LOG4J_CONFIG" -cp "$LIBS/*" \
    kafka.tools.StorageTool format -t "$id" -c "$PROPS" >"$STATE_DIR/format.log" 2>&1 \
    || { cat "$STATE_DIR/format.log" >&2; die "storage format failed"; }
}

# --- commands ----------------------------------------------------------------------------------

wait_ready() {
  local pid="$1" deadline=$((SECONDS + START_TIMEOUT))
  while [ "$SECONDS" -lt "$deadline" ]; do
    if ! kill -0 "$pid" 2>/dev/null; then
      log "broker process $pid exited during startup; last log lines:"
      tail -n 40 "$LOG_FILE" >&2 || true
      rm -f "$PID_FILE"
      exit 1
    fi
    if grep -q "$READY_LINE" "$LOG_FILE" 2>/dev/null && port_open "$PORT" && api_ready; then
      return 0
    fi
    sleep 0.3
  done
  log "broker not ready after ${START_TIMEOUT}s (pid $pid still running); last log lines:"
  tail -n 40 "$LOG_FILE" >&2 || true
  exit 1
}

cmd_start() {
  check_java
  mkdir -p "$STATE_DIR"
  exec 9>"$STATE_DIR/.lock"
  flock -w "$((START_TIMEOUT + 60))" 9 || die "timed out waiting for another kafka.sh ($STATE_DIR/.lock)"

  local pid
  if pid="$(broker_pid)"; then
    if port_open "$PORT" && api_ready; then
      log "already running (pid $pid) on $HOST:$PORT"
      return 0
    fi
    log "broker pid $pid is alive but not answering yet; waiting"
    wait_ready "$pid"
    log "ready on $HOST:$PORT (pid $pid)"
    return 0
  fi
  rm -f "$PID_FILE"
  if port_open "$PORT"; then
    # Another checkout's broker (or any Kafka) on this port serves just as well; leave it running.
    if api_ready; then log "a Kafka broker not started from $STATE_DIR already answers on $HOST:$PORT; using it"; return 0; fi
    die "port $HOST:$PORT is in use by another process (not a Kafka broker); set KAFKA_PORT"
  fi
  if port_open "$CONTROLLER_PORT"; then die "port $HOST:$CONTROLLER_PORT is in use; set KAFKA_CONTROLLER_PORT"; fi

  local t0=$SECONDS
  fetch_jars
  write_props
  format_storage

  [ -f "$LOG_FILE" ] && mv -f "$LOG_FILE" "$LOG_FILE.1"
  echo "[kafka.sh $(date '+%F %T')] starting Kafka $KAFKA_VERSION on $HOST:$PORT (controller $CONTROLLER_PORT), config $PROPS" >"$LOG_FILE"
  # setsid: own session, so the broker outlives the calling shell/job; the inner bash writes
  # its own pid and then execs java, so the pid file holds the JVM's pid either way.
  setsid nohup bash -c 'echo $$ >"$0"; exec "$@"' "$PID_FILE" \
    java $HEAP -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$LOG4J_CONFIG" \
    -cp "$LIBS/*" kafka.Kafka "$PROPS" >>"$LOG_FILE" 2>&1 </dev/null 8>&- 9>&- &
  local i
  for i in $(seq 50); do [ -s "$PID_FILE" ] && break; sleep 0.1; done
  [ -s "$PID_FILE" ] || die "broker did not start (no pid file)"
  pid="$(cat "$PID_FILE")"
  log "started Kafka $KAFKA_VERSION (pid $pid), waiting for readiness on $HOST:$PORT"
  wait_ready "$pid"
  log "ready on $HOST:$PORT (pid $pid) in $((SECONDS - t0))s; state $STATE_DIR"
}

cmd_stop() {
  local pid
  if ! pid="$(broker_pid)"; then
    rm -f "$PID_FILE"
    log "not running"
    return 0
  fi
  log "stopping broker (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + STOP_TIMEOUT))
  while kill -0 "$pid" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.2; done
  if kill -0 "$pid" 2>/dev/null; then
    log "still alive after ${STOP_TIMEOUT}s, sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  fi
  rm -f "$PID_FILE"
  log "stopped"
}

cmd_status() {
  local pid
  if pid="$(broker_pid)"; then
    if port_open "$PORT" && api_ready; then
      echo "running: Kafka $KAFKA_VERSION pid $pid on $HOST:$PORT (controller $CONTROLLER_PORT), state $STATE_DIR"
      return 0
    fi
    echo "starting/unhealthy: pid $pid alive but $HOST:$PORT not answering; see: $0 logs"
    return 3
  fi
  echo "stopped (state $STATE_DIR)"
  return 3
}

cmd_logs() {
  [ -f "$LOG_FILE" ] || die "no log file at $LOG_FILE"
  if [ "$#" -eq 0 ]; then tail -n 100 "$LOG_FILE"; else tail "$@" "$LOG_FILE"; fi
}

cmd_topics() {
  case "${1:-list}" in
    list) admin list ;;
    create) [ -n "${2:-}" ] || die "usage: $0 topics create NAME [PARTITIONS]"; admin create "$2" "${3:-3}" ;;
    delete) [ -n "${2:-}" ] || die "usage: $0 topics delete NAME"; admin delete "$2" ;;
    *) die "usage: $0 topics [list | create NAME [PARTITIONS] | delete NAME]" ;;
  esac
}

cmd_reset() {
  cmd_stop
  case "$STATE_DIR" in
    */kafka) ;;
    *) die "refusing to delete unexpected state dir '$STATE_DIR'" ;;
  esac
  rm -rf "$STATE_DIR"
  log "deleted $STATE_DIR"
}

usage() {
  sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//'
}

cmd="${1:-}"
[ "$#" -gt 0 ] && shift
case "$cmd" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  restart) cmd_stop; cmd_start ;;
  status) cmd_status ;;
  logs) cmd_logs "$@" ;;
  topics) cmd_topics "$@" ;;
  groups) admin groups ;;
  libs) check_java; fetch_jars; echo "$LIBS" ;;
  reset) cmd_reset ;;
  -h | --help | help) usage ;;
  *) usage >&2; exit 2 ;;
esac
