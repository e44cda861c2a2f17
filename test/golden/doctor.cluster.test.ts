/**
 * Golden files of `doctor` with real kubectl, helm and helmfile (the test cluster's build) and the fake kind
 * and docker. Update: npm run test:golden:update (see ./golden.ts).
 */
import { beforeAll, describe, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { helmfileForSuite } from '../helpers/helmfile.js';
import { toolbox } from '../helpers/toolbox.js';
import { expectGolden, literal, machineCheck, transcript, type Rule } from './golden.ts';

beforeAll(async () => {
  await helmfileForSuite('test/golden/doctor.cluster.test.ts');
});

describe('golden: logclaw doctor', () => {
  // what varies: the Node.js and kubectl of this machine, its inotify limits and the ports other programs hold
  const rules: Rule[] = [
    [/^(✓ Node\.js +)v\d+\.\d+\.\d+$/m, '$1<NODE VERSION>'],
    [/^(✓ kubectl +)\S+$/m, '$1<KUBECTL VERSION>'],
    machineCheck('port-forward ports'),
    machineCheck('inotify limits (kind)'),
    [/^ready \(\d+ warnings?\)$/m, 'ready (<N> warnings)'],
  ];

  it('every tool present (the fake docker with 12 GiB): ✓ and ! lines with their fixes, exit 0', async () => {
    const tb = await toolbox();
    expectGolden('doctor-dev', transcript(await runCli(['doctor'], { env: { ...tb.env, LOGCLAW_FAKE_DOCKER_MEMORY: '12Gi' } })), [...rules, literal(`${tb.dir}/`, '<TOOLBOX>/')]);
  });

  it('--for install with helm missing: ✗ with the exact fix, exit 3', async () => {
    const tb = await toolbox({ helm: false });
    expectGolden('doctor-install-no-helm', transcript(await runCli(['doctor', '--for', 'install'], { env: tb.env })), rules);
  });
});
