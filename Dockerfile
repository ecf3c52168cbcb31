# One image for all five services; docker-compose.yml and deploy/kubernetes pick the main class per
# service. The image carries the services' runtime classpath only: no embedded broker, no Kafka
# server jars, no test code (deploy/image-libs.sh builds the list; DeploymentFilesTest checks it).
FROM eclipse-temurin:25-jdk AS build
WORKDIR /src
COPY . .
RUN TAPLINE_IMAGE_BUILD=1 bash deploy/image-libs.sh copy /app/lib \
 && javac -d /tmp/sample -cp packet/target/classes local/src/main/java/io/tapline/local/SampleTraffic.java \
 && java -cp /tmp/sample:packet/target/classes io.tapline.local.SampleTraffic /app/sample/web-server.pcap

FROM eclipse-temurin:25-jre
# libpcap for live capture; curl for the health checks below.
RUN apt-get update -qq \
 && apt-get install -y -qq --no-install-recommends libpcap0.8 curl \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 tapline \
 && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin tapline
COPY --from=build /app/lib /app/lib
# The generated sample (the local stack's web-server traffic) that the compose capture agent replays.
COPY --from=build /app/sample /app/sample
ENV JAVA_TOOL_OPTIONS="-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.tapline.schemas.avro --enable-native-access=ALL-UNNAMED" \
    TAPLINE_HEALTH_PORT=8785
USER 10001:10001
# Each service serves GET /health on its own port: compose and Kubernetes set TAPLINE_HEALTH_PORT
# (capture 8782, filter 8783, target 8784, control 8781, gateway management 8785).
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
  CMD curl -fsS -o /dev/null "http://127.0.0.1:${TAPLINE_HEALTH_PORT}/health" || exit 1
ENTRYPOINT ["java", "-cp", "/app/lib/*"]
