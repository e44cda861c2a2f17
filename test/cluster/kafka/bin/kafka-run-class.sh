#!/usr/bin/env bash
# kafka-run-class.sh of the Kafka distribution, in the test cluster's broker pods: runs CLASS on the cached Kafka
# classpath ($SIM_KAFKA_CLASSPATH) with KAFKA_HEAP_OPTS (default -Xmx256M, as the distribution),
# KAFKA_JVM_PERFORMANCE_OPTS, KAFKA_LOG4J_OPTS and KAFKA_OPTS. The pod's view: host names resolve through
# $SIM_POD_ROOT/etc/hosts, and paths under /opt/kafka/ on the command line are the pod's ($SIM_POD_ROOT/opt/kafka/).
# $SIM_EXEC_DELAY_SECONDS (a slow pod) waits that long first.
set -euo pipefail
if [ $# -lt 1 ]; then echo "USAGE: $0 [-daemon] [-name servicename] [-loggc] classname [opts]" >&2; exit 1; fi
root=${SIM_POD_ROOT:?SIM_POD_ROOT is not set}
cp=${SIM_KAFKA_CLASSPATH:?SIM_KAFKA_CLASSPATH is not set}
class=$1; shift
args=()
for a in "$@"; do args+=("${a//\/opt\/kafka\//$root/opt/kafka/}"); done
[ -n "${SIM_EXEC_DELAY_SECONDS:-}" ] && sleep "$SIM_EXEC_DELAY_SECONDS"
heap=${KAFKA_HEAP_OPTS:--Xmx256M}
perf=${KAFKA_JVM_PERFORMANCE_OPTS:--XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xss512k -Djava.awt.headless=true}
# shellcheck disable=SC2086
exec java $heap $perf ${KAFKA_LOG4J_OPTS:-} ${KAFKA_OPTS:-} "-Djdk.net.hosts.file=$root/etc/hosts" -cp "$cp" "$class" "${args[@]}"
