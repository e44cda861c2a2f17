#!/usr/bin/env bash
# Stand-in for Kafka's kafka-console-producer.sh, run by kwok for `kubectl exec`: appends every
# stdin line as one record to the topic file $SIM_TOPICS_DIR/<topic>.log.
# kwok v0.8.0 does not forward the end of stdin to exec'd processes (it never closes the pipe), so
# besides EOF the stand-in also ends after $SIM_PRODUCER_IDLE_SECONDS (default 1) without input.
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
idle=${SIM_PRODUCER_IDLE_SECONDS:-1}
while :; do
  line=""
  if IFS= read -r -t "$idle" line; then
    printf '%s\n' "$line" >> "$dir/$topic.log"
  else
    # EOF (status 1) or idle timeout (status > 128): a last unterminated line still counts.
    [ -n "$line" ] && printf '%s\n' "$line" >> "$dir/$topic.log"
    break
  fi
done
