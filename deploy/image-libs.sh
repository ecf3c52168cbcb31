#!/usr/bin/env bash
# The container image's classpath: the five services' jars and their runtime dependencies, never the
# embedded broker (the `local` launcher's embedded-kafka and the Kafka server jars it pulls in).
#   deploy/image-libs.sh copy DIR   build the services and copy the jars to DIR (Dockerfile)
#   deploy/image-libs.sh list FILE  write the runtime dependency list the copy would take, offline, no build (tests)
set -euo pipefail
cd "$(dirname "$0")/.."
SERVICES=api-gateway,control-service,capture-service,filter-service,target-service
# The services do not depend on these; excluded anyway so a future dependency cannot bring them in.
EXCLUDES=embedded-kafka,test-fixtures,kafka_2.13,kafka-server,kafka-server-common,kafka-metadata,kafka-raft,kafka-storage,kafka-storage-api,kafka-group-coordinator,kafka-coordinator-common,kafka-transaction-coordinator,kafka-share-coordinator,kafka-tools
case "${1:-}" in
  copy)
    out=$2
    mkdir -p "$out"
    ./mvnw -B -q -DskipTests -pl "$SERVICES" -am package dependency:copy-dependencies \
      -DincludeScope=runtime -DexcludeArtifactIds="$EXCLUDES" -DoutputDirectory="$out"
    for m in schemas packet service-runtime api-gateway control-service capture-service filter-service target-service; do
      cp "$m"/target/"$m"-*.jar "$out"/
    done
    rm -f "$out"/*-sources.jar "$out"/*-tests.jar
    ;;
  list)
    out=$2
    rm -f "$out"
    ./mvnw -B -q -o -pl "$SERVICES" -am dependency:list -DincludeScope=runtime -DexcludeArtifactIds="$EXCLUDES" \
      -DoutputFile="$out" -DappendOutput=true -DexcludeTransitive=false -Dsort=true
    ;;
  *)
    sed -n '2,5p' "$0"
    exit 2
    ;;
esac
