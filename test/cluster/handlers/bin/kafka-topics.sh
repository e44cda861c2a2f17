#!/bin/sh
# Stand-in for Kafka's kafka-topics.sh (--list / --create / --describe) over $SIM_TOPICS_DIR.
set -eu
dir=${SIM_TOPICS_DIR:?SIM_TOPICS_DIR is not set}
mkdir -p "$dir"
action=""; topic=""
while [ $# -gt 0 ]; do
  case "$1" in
    --list) action=list ;; --create) action=create ;; --describe) action=describe ;; --delete) action=delete ;;
    --topic) topic=$2; shift ;;
    --bootstrap-server|--partitions|--replication-factor|--config|--command-config) shift ;;
  esac
  shift
done
case "$action" in
  list) for f in "$dir"/*.log; do [ -e "$f" ] && basename "$f" .log; done; exit 0 ;;
  create) touch "$dir/$topic.log"; echo "Created topic $topic." ;;
  describe) [ -e "$dir/$topic.log" ] || { echo "Error while executing topic command : Topic '$topic' does not exist as expected" >&2; exit 1; }
            printf 'Topic: %s\tPartitionCount: 1\tReplicationFactor: 1\tConfigs: \n' "$topic" ;;
  delete) rm -f "$dir/$topic.log" ;;
  *) echo "Command must include exactly one action: --list, --describe, --create, --alter or --delete" >&2; exit 1 ;;
esac
