# Stand-in for eclipse-temurin:17-jre: Debian's headless OpenJDK 17 runtime (`java` on PATH),
# another build of the same Java 17 as Temurin's.
ARG BASE_IMAGE=slipway-local/debian:bookworm
FROM ${BASE_IMAGE}
RUN mkdir -p /usr/share/man/man1 \
 && apt-get update \
 && apt-get install -y --no-install-recommends openjdk-17-jre-headless ca-certificates ca-certificates-java \
 && update-ca-certificates -f >/dev/null \
 && rm -rf /var/lib/apt/lists/*
ENV JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64
CMD ["java", "-version"]
