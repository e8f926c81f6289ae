# localhost/pxebus-jars:dev (bin/local-images): the service jars built on the host, under /src/<module>/target/ where
# the service Dockerfiles' build stage looks for them before running Maven. Use it as BUILD_IMAGE on a host without
# the maven image or without network in its builds. Build context: <module>/target/<module>.jar for each service.
ARG BASE_IMAGE=eclipse-temurin:17-jre
FROM ${BASE_IMAGE}
COPY . /src/
