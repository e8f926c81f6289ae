#!/bin/bash
# What the compose file's healthcheck runs, as in the official image.
exec "$(dirname "$0")/kafka-run-class.sh" org.apache.kafka.tools.BrokerApiVersionsCommand "$@"
