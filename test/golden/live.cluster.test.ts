/**
 * Golden files of the commands that talk to a cluster, on the test control plane: `status` and `diff` on the
 * fixture tenant repository installed with helm (test/diff/tenant-repo.ts), `verify` on the verify fixture
 * tenant whose hops local servers play (test/verify/fixture.ts). Update: npm run test:golden:update.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { helms } from '../helpers/tools.js';
import { setupCluster } from '../helpers/cluster.js';
import { eventually } from '../helpers/eventually.js';
import { ensureNodePoolCrd, installedTenant, type Tenant } from '../diff/tenant-repo.ts';
import { makeTenant, type Tenant as VerifyTenant } from '../verify/fixture.ts';
import { DURATIONS, expectGolden, literal, LOCAL_PORTS, transcript, type Rule } from './golden.ts';

const cluster = setupCluster();
const cleanups: Array<() => void> = [];
afterAll(() => cleanups.forEach((c) => c()));

describe('golden: status and diff (helm 4)', () => {
  let t: Tenant;
  let rules: Rule[];
  beforeAll(async () => {
    await ensureNodePoolCrd(cluster());
    // without Kafka, as the diff tests: the simulator's Strimzi stand-in does not report node pools whose CRD came after it started
    t = await installedTenant(cluster(), cleanups, helms[1]!.bin, (v) => (v.kafka.enabled = false));
    // what varies: the random tenant id and its repo copy, the age of the objects (diff prints no durations: 250m is a CPU)
    rules = [literal(t.id, '<TENANT>'), literal(t.dir, '<REPO>')];
  }, 300_000);

  it('status: a row per component', async () => {
    const r = await eventually('every component ready', async () => {
      const x = await t.cli(['status']);
      return x.code === 0 && x;
    }, 60_000, 1000);
    expectGolden('status', transcript(r), [...rules, AGES]);
  });

  it('diff: nothing changes on the installed tenant', async () => {
    expectGolden('diff-none', transcript(await t.cli(['diff'])), rules);
  });

  it('diff: a tier bump standard → ha, each change with its safety verdict', async () => {
    t.edit((v) => (v.global.tier = 'ha'));
    expectGolden('diff-tier', transcript(await t.cli(['diff'])), rules);
  });
});

describe('golden: verify', () => {
  let t: VerifyTenant;
  let rules: Rule[];
  beforeAll(async () => {
    t = await makeTenant(cluster(), 'gv');
    // what varies: the random tenant id, the marker, pod names, local ports, the time each step took
    rules = [literal(t.id, '<TENANT>'), literal(t.root, '<ROOT>'), [/lcv-\d{14}-[0-9a-f]{6}/g, '<MARKER>'], POD_SUFFIX, OPENSEARCH_DOCUMENT, LOCAL_PORTS, STEP_DURATION, DURATIONS];
  }, 240_000);
  afterAll(() => t?.close(), 60_000);
  const verify = (...args: string[]) => runCli(['verify', '--tenant', t.id, '--kube-context', cluster().context, '--timeout', '60s', ...args], { cwd: t.root, env: t.env, timeoutMs: 110_000 });

  it('every hop passes', async () => {
    await t.set({});
    expectGolden('verify-ok', transcript(await verify()), rules);
  });

  it('Vector answering 500: the broken hop named, the steps needing it skipped', async () => {
    await t.set({ vector: '500' });
    expectGolden('verify-vector-500', transcript(await verify()), rules);
  });
});

/** The AGE column of status (5s, 2m, 1h) with the padding after it (its width varies with the age). */
const AGES: Rule = [/ \d+[smhd] +/g, ' <AGE> '];
/** A Deployment pod's name: ReplicaSet hash and random suffix. */
/** The document OpenSearch indexed: the ETL's daily index and the id the node gave it. */
const OPENSEARCH_DOCUMENT: Rule = [/document logclaw-logs-\d{4}\.\d{2}\.\d{2}\/[A-Za-z0-9_-]+/g, 'document logclaw-logs-<DATE>/<ID>'];
const POD_SUFFIX: Rule = [/-[0-9a-f]{8,10}-[a-z0-9]{5}\b/g, '-<HASH>-<ID>'];
/** A verify step's duration, right-aligned after the padded title (its width varies with the duration). */
const STEP_DURATION: Rule = [/^([✓✗-] \d+ .*?) +(?:\d+ min \d+ s|\d+(?:\.\d+)? m?s) {2}/gm, '$1 <DURATION>  '];
