# Stand-in for maven:3.8-eclipse-temurin-17: Debian's OpenJDK 17 (another build of the same
# Java 17 as Temurin's) and Maven 3.8. Java reads its own truststore: ca-certificates-java
# builds it from /etc/ssl/certs, host CAs included, so Maven Central is reachable through a
# TLS-intercepting proxy.
ARG BASE_IMAGE=slipway-local/debian:bookworm
FROM ${BASE_IMAGE}
RUN mkdir -p /usr/share/man/man1 \
 && apt-get update \
 && apt-get install -y --no-install-recommends openjdk-17-jdk-headless maven ca-certificates ca-certificates-java \
 && update-ca-certificates -f >/dev/null \
 && rm -rf /var/lib/apt/lists/*
ENV JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64 MAVEN_HOME=/usr/share/maven
CMD ["mvn", "--version"]
