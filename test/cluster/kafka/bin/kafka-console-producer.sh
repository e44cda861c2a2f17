#!/usr/bin/env bash
# kafka-console-producer.sh of the Kafka distribution: the real console producer. KWOK never passes the end of
# stdin to exec'd programs, so stdin is relayed until it ends or stays idle for $SIM_STDIN_IDLE_SECONDS (default 2).
if [ -z "${KAFKA_HEAP_OPTS:-}" ]; then export KAFKA_HEAP_OPTS="-Xmx512M"; fi
idle=${SIM_STDIN_IDLE_SECONDS:-2}
relay() {
  local line
  while IFS= read -r -t "$idle" line; do printf '%s\n' "$line"; done
  [ -n "${line:-}" ] && printf '%s\n' "$line"
  return 0
}
relay | "$(dirname "$0")/kafka-run-class.sh" org.apache.kafka.tools.ConsoleProducer "$@"
exit "${PIPESTATUS[1]}"
