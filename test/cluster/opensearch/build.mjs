#!/usr/bin/env node
// OpenSearch for the test cluster's data plane: the server and the modules verify's calls need, from Maven
// Central, and the launcher SimOpenSearch.java compiled against them, into <cache>/opensearch-<version>/
// (test/cluster/java-runtime.mjs). Under CI (CI set) a missing Java fails this script.
//   node test/cluster/opensearch/build.mjs [--quiet] [--json]
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureRuntime, runtimePom } from '../java-runtime.mjs';
import { openSearchDir, OPENSEARCH_ARTIFACTS, OPENSEARCH_VERSION } from './versions.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const quiet = args.includes('--quiet');
const log = (m) => { if (!quiet) process.stderr.write(`build:opensearch: ${m}\n`); };

const pom = () => runtimePom('opensearch', OPENSEARCH_VERSION, OPENSEARCH_ARTIFACTS);
const source = join(here, 'SimOpenSearch.java');

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const report = ensureRuntime({
    name: 'opensearch', title: 'OpenSearch node', version: OPENSEARCH_VERSION, dir: openSearchDir(), pom: pom(), source,
    what: `OpenSearch ${OPENSEARCH_VERSION}`, withoutJava: "the test cluster's OpenSearch pods will not answer", log, quiet,
  });
  if (args.includes('--json')) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
}
