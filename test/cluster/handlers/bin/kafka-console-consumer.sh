#!/bin/sh
# Stand-in for Kafka's kafka-console-consumer.sh, run by kwok for `kubectl exec`: prints the records
# of the topic file $SIM_TOPICS_DIR/<topic>.log (--from-beginning, auto.offset.reset=earliest or by_duration:
# existing ones too, as the lines carry no timestamps), following it until --max-messages records were printed
# or --timeout-ms passed without one. The fallback where Java is missing (test/cluster/kafka runs the real tools).
set -eu
topic=""; from=0; max=0; timeout_ms=0
while [ $# -gt 0 ]; do
  case "$1" in
    --topic) topic=$2; shift ;;
    --topic=*) topic=${1#--topic=} ;;
    --from-beginning) from=1 ;;
    --max-messages) max=$2; shift ;;
    --timeout-ms) timeout_ms=$2; shift ;;
    --consumer-property) case "$2" in auto.offset.reset=earliest|auto.offset.reset=by_duration:*) from=1 ;; esac; shift ;;
    --bootstrap-server|--group|--property|--consumer.config|--formatter|--partition|--offset|--isolation-level|--key-deserializer|--value-deserializer) shift ;;
  esac
  shift
done
[ -n "$topic" ] || { echo "Exactly one of whitelist/topic is required." >&2; exit 1; }
dir=${SIM_TOPICS_DIR:?SIM_TOPICS_DIR is not set}
mkdir -p "$dir"
file="$dir/$topic.log"
touch "$file"
if [ "$from" = 1 ]; then start=1; else start=$(( $(wc -l < "$file") + 1 )); fi
count=0
deadline=0
[ "$timeout_ms" -gt 0 ] && deadline=$(( $(date +%s) + (timeout_ms + 999) / 1000 ))
line_no=$start
while :; do
  total=$(wc -l < "$file")
  while [ "$line_no" -le "$total" ]; do
    sed -n "${line_no}p" "$file"
    line_no=$((line_no + 1)); count=$((count + 1))
    [ "$timeout_ms" -gt 0 ] && deadline=$(( $(date +%s) + (timeout_ms + 999) / 1000 ))
    if [ "$max" -gt 0 ] && [ "$count" -ge "$max" ]; then echo "Processed a total of $count messages" >&2; exit 0; fi
  done
  if [ "$deadline" -gt 0 ] && [ "$(date +%s)" -ge "$deadline" ]; then
    echo "[$(date -u +%Y-%m-%dT%H:%M:%S)] ERROR Error processing message, terminating consumer process:  (kafka.tools.ConsoleConsumer\$)" >&2
    echo "org.apache.kafka.common.errors.TimeoutException" >&2
    echo "Processed a total of $count messages" >&2
    exit 0
  fi
  sleep 0.1
done
