#!/usr/bin/env node
// logclaw entry point. `--version` is answered without loading the CLI so it costs about `node -e 0`:
// one small module (dist/version.js) reading a few small files, no commander, no YAML parser, no git process.
// V8 keeps the compiled code of logclaw's modules between runs (in the OS temp dir): ~10% off start-up.
import * as nodeModule from 'node:module';

nodeModule.enableCompileCache?.(); // Node 22.1+; a namespace import so that older Node still reaches the version check
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  const { versionInfo, formatVersion } = await import('../dist/version.js');
  process.stdout.write(formatVersion(versionInfo(`${import.meta.dirname ?? decodeURIComponent(new URL('.', import.meta.url).pathname)}/..`)) + '\n');
} else {
  const major = Number(process.versions.node.split('.')[0]);
  if (major < 22) {
    process.stderr.write(`error: logclaw needs Node.js 22 or later (this is ${process.version})\nhint: install Node 22+ (https://nodejs.org) or run it through npx in this repository, which brings its own.\n`);
    process.exit(3);
  }
  const { main } = await import('../dist/cli.js');
  process.exitCode = await main(process.argv);
}
