// The Apache Kafka release the test cluster's data plane runs (the broker image's Kafka of the pinned Strimzi,
// quay.io/strimzi/kafka:0.50.1-kafka-4.1.1), fetched by build.mjs into <cache>/kafka-<version>/.
import { join } from 'node:path';
import { cacheRoot } from '../versions.mjs';
import { runtimeClasspath } from '../java-runtime.mjs';

export const KAFKA_VERSION = '4.1.1';
export const LOG4J_VERSION = '2.24.3';
export const KAFKA_ARTIFACTS = ['kafka_2.13', 'kafka-server', 'kafka-storage', 'kafka-clients', 'kafka-tools'];

export const kafkaDir = () => join(cacheRoot, `kafka-${KAFKA_VERSION}`);

/** The classpath of the cached Kafka (libs/*.jar and the launcher's classes), or undefined when it is not built. */
export const kafkaClasspath = () => runtimeClasspath(kafkaDir(), 'SimKafka');
