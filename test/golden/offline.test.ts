/**
 * Golden files of the commands that need no cluster: `tenant validate`, `lint` (pretty, github, junit) under
 * helm 3 and helm 4 (one golden file for both: the helm major must not change what lint prints). `doctor`'s
 * are in doctor.cluster.test.ts (it needs the test cluster's helmfile).
 * Update: npm run test:golden:update (see ./golden.ts).
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { crdDir, helms, repoRoot } from '../helpers/tools.js';
import { DURATIONS, expectGolden, JUNIT_TIMES, literal, transcript, type Rule } from './golden.ts';
import { tempDir } from '../helpers/temp.js';

const broken = (name: string) => join('test', 'fixtures', 'tenants', 'broken', `tenant-${name}.yaml`);

describe('golden: logclaw tenant validate', () => {
  it('prints each finding as file:line:column severity message [rule], then the summary', async () => {
    const files = ['tier-gold', 'duplicate-key', 'bad-indent', 'multi-document', 'id-mismatch', 'routing-disabled', 'airgapped-claude', 'missing-global'].map(broken);
    const r = await runCli(['tenant', 'validate', ...files, join('gitops', 'tenants', 'tenant-example-corp.yaml')]);
    expectGolden('tenant-validate', transcript(r));
  });

  it('--json: one record per finding', async () => {
    const r = await runCli(['tenant', 'validate', '--json', broken('tier-gold'), broken('duplicate-key')]);
    expectGolden('tenant-validate-json', transcript(r));
  });
});

describe.each(helms)('golden: logclaw lint under $name', (h) => {
  let repo: string;
  let rules: Rule[];
  // each run with an empty render cache of its own: what it prints must not depend on what ran before
  const lint = (args: string[]) => runCli(['lint', '--crds', crdDir, ...args], { cwd: repo, env: { LOGCLAW_HELM: h.bin, LOGCLAW_CACHE_DIR: tempDir('logclaw-golden-cache-') } });
  const tenants = ['--tenant', 'good', '--tenant', 'pss-privileged', '--tenant', 'kafka-topic-replicas', '--tenant', 'image-unpinned'];
  beforeAll(() => {
    repo = join(mkdtempSync(join(tmpdir(), `logclaw-golden-lint-${h.name}-`)), 'repo');
    cpSync(join(repoRoot, 'test', 'fixtures', 'lint', 'repo'), repo, { recursive: true });
    // what varies: paths, timings, the cores lint runs on, dependency builds done (cached by earlier runs or not)
    rules = [literal(repo, '<REPO>'), literal(crdDir, '<CRDS>'), DURATIONS, JUNIT_TIMES, [/parallel \d+/g, 'parallel <CORES>'], [/\d+ dependency build\(s\)/g, '<N> dependency build(s)']];
  });
  afterAll(() => rmSync(join(repo, '..'), { recursive: true, force: true }));

  it('pretty', async () => expectGolden('lint-pretty', transcript(await lint(tenants)), rules));
  it('github', async () => expectGolden('lint-github', transcript(await lint([...tenants, '--format', 'github'])), rules));
  it('junit', async () => expectGolden('lint-junit', transcript(await lint([...tenants, '--format', 'junit'])), rules));
});
