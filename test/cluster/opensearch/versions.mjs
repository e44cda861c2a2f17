// The OpenSearch release the test cluster's data plane runs: the one charts/logclaw-opensearch pins (its
// OpenSearchCluster's version and images), fetched by build.mjs into <cache>/opensearch-<version>/.
import { join } from 'node:path';
import { cacheRoot } from '../versions.mjs';
import { runtimeClasspath } from '../java-runtime.mjs';

export const OPENSEARCH_VERSION = '2.14.0';
/** The log4j-core matching the log4j-api OpenSearch brings (a different core fails at start). */
export const OPENSEARCH_LOG4J_VERSION = '2.21.0';
/** The server, the HTTP transport (a module of the distribution) and reindex (_delete_by_query). */
export const OPENSEARCH_ARTIFACTS = [
  `org.opensearch:opensearch:${OPENSEARCH_VERSION}`,
  `org.opensearch.plugin:transport-netty4-client:${OPENSEARCH_VERSION}`,
  `org.opensearch.plugin:reindex-client:${OPENSEARCH_VERSION}`,
  `org.apache.logging.log4j:log4j-core:${OPENSEARCH_LOG4J_VERSION}`,
];

export const openSearchDir = () => join(cacheRoot, `opensearch-${OPENSEARCH_VERSION}`);

/** The classpath of the cached OpenSearch (libs/*.jar and the launcher's classes), or undefined when it is not built. */
export const openSearchClasspath = () => runtimeClasspath(openSearchDir(), 'SimOpenSearch');
