// The Java programs of the test cluster's data plane (Apache Kafka, OpenSearch): a release's artifacts and their
// runtime dependencies from Maven Central (Maven's dependency:copy-dependencies on a generated pom) and a
// launcher class compiled against them, into <cache>/<name>-<version>/ (libs/, classes/). Needs Java 17+
// (java, javac) and Maven (Debian: openjdk-17-jdk-headless maven; installed with apt-get when root and missing).
// A cache whose stamp (pom and launcher source) matches is kept.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';

const has = (cmd, a) => spawnSync(cmd, a, { stdio: 'ignore' }).status === 0;

/** Whether `java` runs here (what the launchers need; javac and mvn only to build). */
export const javaRuns = () => has('java', ['-version']);

/** java, javac and mvn on PATH, installing them with apt-get when root. */
export function ensureJavaTools(log, quiet) {
  if (has('java', ['-version']) && has('javac', ['-version']) && has('mvn', ['-v'])) return true;
  if (process.getuid?.() === 0 && has('apt-get', ['--version'])) {
    log('installing Java 17 and Maven (apt-get install openjdk-17-jdk-headless maven)');
    const install = () => spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'openjdk-17-jdk-headless', 'maven'], { stdio: quiet ? 'ignore' : 'inherit' }).status === 0;
    if (!install()) { spawnSync('apt-get', ['update'], { stdio: 'ignore' }); install(); }
    if (has('java', ['-version']) && has('javac', ['-version']) && has('mvn', ['-v'])) return true;
  }
  return false;
}

/** A pom whose dependencies are the given "group:artifact:version" coordinates. */
export function runtimePom(name, version, coordinates) {
  const dep = (c) => {
    const [g, a, v] = c.split(':');
    return `    <dependency><groupId>${g}</groupId><artifactId>${a}</artifactId><version>${v}</version></dependency>`;
  };
  return `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>dev.logclaw.testcluster</groupId>
  <artifactId>${name}-runtime</artifactId>
  <version>${version}</version>
  <packaging>pom</packaging>
  <dependencies>
${coordinates.map(dep).join('\n')}
  </dependencies>
</project>
`;
}

const stampOf = (pom, source) => createHash('sha256').update(pom).update(readFileSync(source)).digest('hex').slice(0, 16);
const launcherClass = (source) => `${basename(source, '.java')}.class`;

export function runtimeUpToDate(dir, pom, source) {
  try {
    return readFileSync(join(dir, '.stamp'), 'utf8').trim() === stampOf(pom, source) && existsSync(join(dir, 'classes', launcherClass(source)));
  } catch {
    return false;
  }
}

/** The classpath of a built runtime (libs/*.jar, then the launcher's classes), or undefined when it is not built. */
export function runtimeClasspath(dir, launcher) {
  if (!existsSync(join(dir, '.stamp')) || !existsSync(join(dir, 'classes', `${launcher}.class`))) return undefined;
  return [...readdirSync(join(dir, 'libs')).filter((f) => f.endsWith('.jar')).sort().map((f) => join(dir, 'libs', f)), join(dir, 'classes')].join(':');
}

/**
 * Fetch and compile into dir (through a temporary folder renamed at the end, so a cut build leaves no half cache).
 * Exits the process when Maven or javac fails. Returns the build's seconds.
 */
export function buildRuntime({ name, dir, pom, source, log }) {
  const t0 = Date.now();
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  writeFileSync(join(tmp, 'pom.xml'), pom);
  const mvn = spawnSync('mvn', ['-B', '-q', '-f', join(tmp, 'pom.xml'), 'dependency:copy-dependencies', `-DoutputDirectory=${join(tmp, 'libs')}`, '-DincludeScope=runtime'], { encoding: 'utf8' });
  if (mvn.status !== 0) {
    process.stderr.write(`build:${name}: mvn dependency:copy-dependencies failed (${mvn.status}):\n${(mvn.stdout + mvn.stderr).slice(-4000)}\n`);
    process.exit(1);
  }
  const cp = readdirSync(join(tmp, 'libs')).filter((f) => f.endsWith('.jar')).map((f) => join(tmp, 'libs', f)).join(':');
  mkdirSync(join(tmp, 'classes'), { recursive: true });
  execFileSync('javac', ['--release', '17', '-nowarn', '-cp', cp, '-d', join(tmp, 'classes'), source], { stdio: ['ignore', 'ignore', 'inherit'] });
  writeFileSync(join(tmp, '.stamp'), `${stampOf(pom, source)}\n`);
  const seconds = (Date.now() - t0) / 1000;
  writeFileSync(join(tmp, '.build.json'), `${JSON.stringify({ seconds, java: spawnSync('java', ['-version'], { encoding: 'utf8' }).stderr.split('\n')[0], at: new Date().toISOString() })}\n`);
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
  return seconds;
}

/**
 * What a runtime's build script does: keep a cache whose stamp matches; else build it when Java and Maven are
 * there (installed when root); without them say what the test cluster does instead (`withoutJava`), or under CI,
 * where the real program is required, exit 3. Returns what it did, for --json.
 */
export function ensureRuntime({ name, title, version, dir, pom, source, what, withoutJava, log, quiet }) {
  if (runtimeUpToDate(dir, pom, source)) {
    log(`${name} ${version} cached (${dir})`);
    return { version, dir, built: false, seconds: 0 };
  }
  if (!ensureJavaTools(log, quiet)) {
    const m = 'Java 17+ (java, javac) and Maven are missing: install them (apt-get install openjdk-17-jdk-headless maven)';
    if (process.env.CI) {
      process.stderr.write(`build:${name}: ${m}; CI runs the real ${title}, so this is an error\n`);
      process.exit(3);
    }
    log(`${m}; ${withoutJava}`);
    return { version, dir, built: false, skipped: true };
  }
  log(`fetching ${what} and dependencies from Maven Central ...`);
  const seconds = buildRuntime({ name, dir, pom, source, log });
  log(`${name} ${version} ready in ${seconds.toFixed(1)} s -> ${dir}`);
  return { version, dir, built: true, seconds };
}

/** The exception a JVM that exited printed, with its causes and without the stack frames: the last four such lines. */
export function jvmExitSummary(stderr) {
  return stderr.trim().split('\n').filter((l) => l.trim() && !/^\s+at |^\s*\.\.\. \d+ more/.test(l)).slice(-4).join(' | ');
}

