#!/usr/bin/env node
// OpenSearch for the test cluster's data plane: the server and the modules verify's calls need, from Maven
// Central, and the launcher SimOpenSearch.java compiled against them, into <cache>/opensearch-<version>/
// (test/cluster/java-runtime.mjs). Under CI (CI set) a missing Java fails this script.
//   node test/cluster/opensearch/build.mjs [--quiet] [--json]
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildRuntime, ensureJavaTools, runtimePom, runtimeUpToDate } from '../java-runtime.mjs';
import { openSearchDir, OPENSEARCH_ARTIFACTS, OPENSEARCH_VERSION } from './versions.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const quiet = args.includes('--quiet');
const log = (m) => { if (!quiet) process.stderr.write(`build:opensearch: ${m}\n`); };

const pom = () => runtimePom('opensearch', OPENSEARCH_VERSION, OPENSEARCH_ARTIFACTS);
const source = join(here, 'SimOpenSearch.java');

function main() {
  const dir = openSearchDir();
  if (runtimeUpToDate(dir, pom(), source)) {
    log(`opensearch ${OPENSEARCH_VERSION} cached (${dir})`);
    return { version: OPENSEARCH_VERSION, dir, built: false, seconds: 0 };
  }
  if (!ensureJavaTools(log, quiet)) {
    const m = 'Java 17+ (java, javac) and Maven are missing: install them (apt-get install openjdk-17-jdk-headless maven)';
    if (process.env.CI) {
      process.stderr.write(`build:opensearch: ${m}; CI runs the real OpenSearch node, so this is an error\n`);
      process.exit(3);
    }
    log(`${m}; the test cluster's OpenSearch pods will not answer`);
    return { version: OPENSEARCH_VERSION, dir, built: false, skipped: true };
  }
  log(`fetching OpenSearch ${OPENSEARCH_VERSION} and dependencies from Maven Central ...`);
  const seconds = buildRuntime({ name: 'opensearch', dir, pom: pom(), source, log });
  log(`opensearch ${OPENSEARCH_VERSION} ready in ${seconds.toFixed(1)} s -> ${dir}`);
  return { version: OPENSEARCH_VERSION, dir, built: true, seconds };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const report = main();
  if (args.includes('--json')) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
}
