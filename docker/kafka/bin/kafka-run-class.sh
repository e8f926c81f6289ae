#!/bin/bash
# kafka-run-class.sh CLASS ARGS…: a Kafka tool on the image's jars, as in the Kafka distribution (small heap, quiet log).
# shellcheck disable=SC2086
exec java ${KAFKA_HEAP_OPTS:--Xmx128m} -XX:+UseSerialGC -XX:TieredStopAtLevel=1 ${KAFKA_OPTS:-} \
  -Dlogback.configurationFile=/opt/kafka/logback.xml -Dpxebus.kafka.log.level="${KAFKA_TOOLS_LOG_LEVEL:-WARN}" \
  -cp '/opt/kafka/libs/*' "$@"
