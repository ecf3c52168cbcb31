#!/usr/bin/env bash
# The container image's classpath: the five services' jars and their runtime dependencies, never the
# embedded broker (the `local` launcher's embedded-kafka and the Kafka server jars it pulls in).
#   deploy/image-libs.sh copy DIR   build the services and copy the jars to DIR (Dockerfile)
#   deploy/image-libs.sh tree FILE  write the services' runtime dependency trees, offline, without building, and
#                                   without the exclusions (DeploymentFilesTest: no broker jar in them at all)
set -euo pipefail
cd "$(dirname "$0")/.."
SERVICES=api-gateway,control-service,capture-service,filter-service,target-service
# The services do not depend on these; excluded anyway so a future dependency cannot bring them in.
EXCLUDES=embedded-kafka,test-fixtures,kafka_2.13,kafka-server,kafka-server-common,kafka-metadata,kafka-raft,kafka-storage,kafka-storage-api,kafka-group-coordinator,kafka-coordinator-common,kafka-transaction-coordinator,kafka-share-coordinator,kafka-tools
case "${1:-}" in
  copy)
    # Installs into the build's own Maven repository: meant for the image's build stage only.
    [ "${TAPLINE_IMAGE_BUILD:-}" = 1 ] || { echo "copy runs in the image build (TAPLINE_IMAGE_BUILD=1)" >&2; exit 2; }
    out=$2
    mkdir -p "$out"
    ./mvnw -B -q -DskipTests -pl "$SERVICES" -am install
    # Without -am: only the five services' runtime trees (the modules their tests use are not copied).
    ./mvnw -B -q -pl "$SERVICES" dependency:copy-dependencies \
      -DincludeScope=runtime -DexcludeArtifactIds="$EXCLUDES" -DoutputDirectory="$out"
    for m in api-gateway control-service capture-service filter-service target-service; do
      cp "$m"/target/"$m"-*.jar "$out"/
    done
    rm -f "$out"/*-sources.jar "$out"/*-tests.jar
    ;;
  tree)
    out=$2
    rm -f "$out"
    ./mvnw -B -q -o -pl "$SERVICES" -am dependency:tree -Dscope=runtime -DoutputFile="$out" -DappendOutput=true
    ;;
  *)
    sed -n '2,5p' "$0"
    exit 2
    ;;
esac
