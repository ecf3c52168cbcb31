#!/usr/bin/env bash
# Capture-to-Kafka throughput of the capture agent (issue 4), next to tcpdump | kcat in the same run:
#   1. the agent replaying a generated IMIX pcap at speed=max        vs  tcpdump -r FILE -w - | kcat -P
#   2. the agent capturing a veth live, tcpreplay --topspeed feeding   vs  tcpdump -i VETH -w - | kcat -P
#      its peer in a network namespace (needs root, tcpreplay, tcpdump)
# Usage: bench/capture-bench.sh [--bootstrap host:port] [--packets N] [--no-build]
#   Without --bootstrap an embedded KRaft broker is started for the run.
#   Needs kcat for the baselines (Debian/Ubuntu: apt-get install -y kcat).
# The Java side is io.tapline.capture.bench.CaptureBench (capture-service test sources).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${JAVA_HOME:-}" ] || [ ! -x "$JAVA_HOME/bin/java" ]; then
  for candidate in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/java-25*; do
    if [ -x "$candidate/bin/java" ]; then JAVA_HOME=$candidate; break; fi
  done
fi
export JAVA_HOME
[ -x "$JAVA_HOME/bin/java" ] || { echo "capture-bench: set JAVA_HOME to a JDK 25" >&2; exit 1; }

build=1
args=()
for arg in "$@"; do
  case "$arg" in
    --no-build) build=0 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) args+=("$arg") ;;
  esac
done

command -v kcat >/dev/null || echo "capture-bench: kcat not found (apt-get install -y kcat); the baselines are skipped" >&2

if [ "$build" = 1 ]; then
  ./mvnw -q -B -o -DskipTests -pl capture-service -am install
  ./mvnw -q -B -o -pl capture-service test-compile
fi
cp_file=capture-service/target/bench.classpath
./mvnw -q -B -o -pl capture-service dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$PWD/$cp_file" >/dev/null
classpath="capture-service/target/test-classes:capture-service/target/classes:$(cat "$cp_file")"

# Warnings only: the figures are the output.
logback=$(mktemp --suffix=.xml)
trap 'rm -f "$logback"' EXIT
cat > "$logback" <<'XML'
<configuration>
  <appender name="err" class="ch.qos.logback.core.ConsoleAppender">
    <target>System.err</target>
    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{20} - %msg%n</pattern></encoder>
  </appender>
  <root level="WARN"><appender-ref ref="err"/></root>
</configuration>
XML

"$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED \
  -Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.tapline.schemas.avro \
  -Dlogback.configurationFile="$logback" \
  -cp "$classpath" io.tapline.capture.bench.CaptureBench "${args[@]}"
