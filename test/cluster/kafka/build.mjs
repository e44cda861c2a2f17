#!/usr/bin/env node
// Apache Kafka for the test cluster's data plane: the org.apache.kafka artifacts of one release and their
// runtime dependencies from Maven Central, and the broker launcher SimKafka.java compiled against them, into
// <cache>/kafka-<version>/ (test/cluster/java-runtime.mjs). Without Java the data plane falls back to the
// console-tool stand-ins; under CI (CI set) a missing Java fails this script.
//   node test/cluster/kafka/build.mjs [--quiet] [--json]
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureRuntime, runtimePom } from '../java-runtime.mjs';
import { kafkaDir, KAFKA_VERSION, KAFKA_ARTIFACTS, LOG4J_VERSION } from './versions.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const quiet = args.includes('--quiet');
const log = (m) => { if (!quiet) process.stderr.write(`build:kafka: ${m}\n`); };

const pom = () => runtimePom('kafka', KAFKA_VERSION, [
  ...KAFKA_ARTIFACTS.map((a) => `org.apache.kafka:${a}:${KAFKA_VERSION}`),
  `org.apache.logging.log4j:log4j-slf4j-impl:${LOG4J_VERSION}`,
  `org.apache.logging.log4j:log4j-core:${LOG4J_VERSION}`,
]);
const source = join(here, 'SimKafka.java');

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const report = ensureRuntime({
    name: 'kafka', title: 'Kafka broker', version: KAFKA_VERSION, dir: kafkaDir(), pom: pom(), source,
    what: `Kafka ${KAFKA_VERSION} (${KAFKA_ARTIFACTS.join(', ')})`,
    withoutJava: "the test cluster's Kafka console tools fall back to stand-ins", log, quiet,
  });
  if (args.includes('--json')) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
}
