#!/bin/sh
# Stand-in for Kafka's kafka-console-producer.sh, run by kwok for `kubectl exec`: appends every
# stdin line as one record to the topic file $SIM_TOPICS_DIR/<topic>.log.
set -eu
topic=""
while [ $# -gt 0 ]; do
  case "$1" in
    --topic) topic=$2; shift ;;
    --topic=*) topic=${1#--topic=} ;;
    --bootstrap-server|--broker-list|--property|--producer-property|--producer.config|--compression-codec|--request-required-acks) shift ;;
  esac
  shift
done
[ -n "$topic" ] || { echo "Missing required argument \"[topic]\"" >&2; exit 1; }
dir=${SIM_TOPICS_DIR:?SIM_TOPICS_DIR is not set}
mkdir -p "$dir"
while IFS= read -r line || [ -n "$line" ]; do
  printf '%s\n' "$line" >> "$dir/$topic.log"
done
