/**
 * The command tree. Each file registers one command (or group) and stays thin: flags, a call into core, output.
 * Command files import only light modules at the top; heavy ones are imported inside actions.
 */
import type { Command } from 'commander';
import { register as tenant } from './tenant.js';
import { register as lint } from './lint.js';
import { register as render } from './render.js';
import { register as doctor } from './doctor.js';
import { register as dev } from './dev.js';
import { register as operators } from './operators.js';
import { register as install } from './install.js';
import { register as upgrade } from './upgrade.js';
import { register as diff } from './diff.js';
import { register as uninstall } from './uninstall.js';
import { register as status } from './status.js';
import { register as verify } from './verify.js';
import { register as portForward } from './port-forward.js';
import { register as charts } from './charts.js';
import { register as gitops } from './gitops.js';
import { register as supportBundle } from './support-bundle.js';
import { register as capacity } from './capacity.js';
import { register as version } from './version.js';
import { register as completion } from './completion.js';

export function registerCommands(program: Command): void {
  for (const register of [tenant, lint, render, doctor, dev, operators, install, upgrade, diff, uninstall, status, verify, portForward, charts, gitops, supportBundle, capacity, version, completion]) {
    register(program);
  }
}
