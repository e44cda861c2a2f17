#!/usr/bin/env bash
# kafka-topics.sh of the Kafka distribution.
exec "$(dirname "$0")/kafka-run-class.sh" org.apache.kafka.tools.TopicCommand "$@"
