# One image for all five services; docker-compose.yml picks the main class per service.
FROM eclipse-temurin:25-jdk AS build
WORKDIR /src
COPY . .
RUN ./mvnw -B -q -DskipTests install \
 && ./mvnw -B -q -pl local dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory=/app/lib \
 && cp local/target/local-*.jar /app/lib/

FROM eclipse-temurin:25-jre
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends libpcap0.8 && rm -rf /var/lib/apt/lists/*
COPY --from=build /app/lib /app/lib
ENV JAVA_TOOL_OPTIONS="-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.tapline.schemas.avro --enable-native-access=ALL-UNNAMED"
ENTRYPOINT ["java", "-cp", "/app/lib/*"]
