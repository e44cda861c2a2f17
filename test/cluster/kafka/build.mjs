#!/usr/bin/env node
// Apache Kafka for the test cluster's data plane: the org.apache.kafka artifacts of one release and their
// runtime dependencies from Maven Central (Maven's dependency:copy-dependencies on a generated pom), and the
// broker launcher SimKafka.java compiled against them, into <cache>/kafka-<version>/ (libs/, classes/).
// Needs Java 17+ (java, javac) and Maven (Debian: openjdk-17-jdk-headless maven; installed here with apt-get
// when root and missing). A cache whose stamp matches is kept. Without Java the data plane falls back to the
// console-tool stand-ins; under CI (CI set) a missing Java fails this script.
//   node test/cluster/kafka/build.mjs [--quiet] [--json]
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { kafkaDir, KAFKA_VERSION, KAFKA_ARTIFACTS, LOG4J_VERSION } from './versions.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const quiet = args.includes('--quiet');
const log = (m) => { if (!quiet) process.stderr.write(`build:kafka: ${m}\n`); };
const ci = Boolean(process.env.CI);

const has = (cmd, a) => spawnSync(cmd, a, { stdio: 'ignore' }).status === 0;

function ensureTools() {
  if (has('java', ['-version']) && has('javac', ['-version']) && has('mvn', ['-v'])) return true;
  if (process.getuid?.() === 0 && has('apt-get', ['--version'])) {
    log('installing Java 17 and Maven (apt-get install openjdk-17-jdk-headless maven)');
    const install = () => spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'openjdk-17-jdk-headless', 'maven'], { stdio: quiet ? 'ignore' : 'inherit' }).status === 0;
    if (!install()) { spawnSync('apt-get', ['update'], { stdio: 'ignore' }); install(); }
    if (has('java', ['-version']) && has('javac', ['-version']) && has('mvn', ['-v'])) return true;
  }
  return false;
}

export function pom() {
  const dep = (g, a, v) => `    <dependency><groupId>${g}</groupId><artifactId>${a}</artifactId><version>${v}</version></dependency>`;
  return `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>dev.logclaw.testcluster</groupId>
  <artifactId>kafka-runtime</artifactId>
  <version>${KAFKA_VERSION}</version>
  <packaging>pom</packaging>
  <dependencies>
${KAFKA_ARTIFACTS.map((a) => dep('org.apache.kafka', a, KAFKA_VERSION)).join('\n')}
${dep('org.apache.logging.log4j', 'log4j-slf4j-impl', LOG4J_VERSION)}
${dep('org.apache.logging.log4j', 'log4j-core', LOG4J_VERSION)}
  </dependencies>
</project>
`;
}

const source = join(here, 'SimKafka.java');
const stamp = () => createHash('sha256').update(pom()).update(readFileSync(source)).digest('hex').slice(0, 16);

export function kafkaUpToDate() {
  const dir = kafkaDir();
  try {
    return readFileSync(join(dir, '.stamp'), 'utf8').trim() === stamp() && existsSync(join(dir, 'classes', 'SimKafka.class'));
  } catch {
    return false;
  }
}

async function main() {
  const dir = kafkaDir();
  if (kafkaUpToDate()) {
    log(`kafka ${KAFKA_VERSION} cached (${dir})`);
    return { version: KAFKA_VERSION, dir, built: false, seconds: 0 };
  }
  if (!ensureTools()) {
    const m = 'Java 17+ (java, javac) and Maven are missing: install them (apt-get install openjdk-17-jdk-headless maven)';
    if (ci) {
      process.stderr.write(`build:kafka: ${m}; CI runs the real Kafka broker, so this is an error\n`);
      process.exit(3);
    }
    log(`${m}; the test cluster's Kafka console tools fall back to stand-ins`);
    return { version: KAFKA_VERSION, dir, built: false, skipped: true };
  }
  const t0 = Date.now();
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  writeFileSync(join(tmp, 'pom.xml'), pom());
  log(`fetching Kafka ${KAFKA_VERSION} (${KAFKA_ARTIFACTS.join(', ')}) and dependencies from Maven Central ...`);
  const mvn = spawnSync('mvn', ['-B', '-q', '-f', join(tmp, 'pom.xml'), 'dependency:copy-dependencies', `-DoutputDirectory=${join(tmp, 'libs')}`, '-DincludeScope=runtime'], { encoding: 'utf8' });
  if (mvn.status !== 0) {
    process.stderr.write(`build:kafka: mvn dependency:copy-dependencies failed (${mvn.status}):\n${(mvn.stdout + mvn.stderr).slice(-4000)}\n`);
    process.exit(1);
  }
  const cp = readdirSync(join(tmp, 'libs')).filter((f) => f.endsWith('.jar')).map((f) => join(tmp, 'libs', f)).join(':');
  mkdirSync(join(tmp, 'classes'), { recursive: true });
  execFileSync('javac', ['--release', '17', '-nowarn', '-cp', cp, '-d', join(tmp, 'classes'), source], { stdio: ['ignore', 'ignore', 'inherit'] });
  writeFileSync(join(tmp, '.stamp'), `${stamp()}\n`);
  const seconds = (Date.now() - t0) / 1000;
  writeFileSync(join(tmp, '.build.json'), `${JSON.stringify({ seconds, java: spawnSync('java', ['-version'], { encoding: 'utf8' }).stderr.split('\n')[0], at: new Date().toISOString() })}\n`);
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
  log(`kafka ${KAFKA_VERSION} ready in ${seconds.toFixed(1)} s -> ${dir}`);
  return { version: KAFKA_VERSION, dir, built: true, seconds };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const report = await main();
  if (args.includes('--json')) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
}
