/** Flink operator (FlinkDeployment) rules the CRD schema cannot express. */
import type { RenderModel } from '../model.js';
import { type Emit } from '../types.js';
import { STORAGE_SCHEMES, type DomainContext } from './context.js';
import { asRecord, get } from '../../object.js';

const CHECKPOINT_KEYS = ['state.checkpoints.dir', 'execution.checkpointing.dir'];
const SAVEPOINT_KEYS = ['state.savepoints.dir', 'execution.checkpointing.savepoint-dir'];
const HA_DIR_KEYS = ['high-availability.storageDir'];

export function flinkHaEnabled(conf: Record<string, unknown>): boolean {
  const t = String(conf['high-availability.type'] ?? conf['high-availability'] ?? '').toLowerCase();
  return t === 'kubernetes' || t.includes('kuberneteshaservicesfactory') || t === 'zookeeper';
}

export function checkFlink(model: RenderModel, ctx: DomainContext, emit: Emit): void {
  const schemes = ctx.objectStorageProvider ? STORAGE_SCHEMES[ctx.objectStorageProvider] : undefined;
  for (const f of [...(model.byKind.get('FlinkDeployment') ?? []), ...(model.byKind.get('FlinkSessionJob') ?? [])]) {
    const conf = asRecord(get(f.obj, 'spec', 'flinkConfiguration'));
    const first = (keys: string[]) => keys.map((k) => [k, conf[k]] as const).find(([, v]) => typeof v === 'string' && v !== '');
    if (schemes) {
      for (const key of [...CHECKPOINT_KEYS, ...SAVEPOINT_KEYS, ...HA_DIR_KEYS]) {
        const v = conf[key];
        if (typeof v === 'string' && v && !schemes.some((s) => v.startsWith(s))) {
          emit({ owner: f, path: `spec.flinkConfiguration["${key}"]`, rule: 'flink-storage-scheme', message: `${key} "${v}" must use ${schemes.join(' or ')} for object-storage provider ${ctx.objectStorageProvider}` });
        }
      }
    }
    if (f.obj.kind !== 'FlinkDeployment') continue;
    const mode = get(f.obj, 'spec', 'job', 'upgradeMode');
    if (mode === 'last-state') {
      const missing: string[] = [];
      if (!flinkHaEnabled(conf)) missing.push('high-availability.type: kubernetes');
      if (!first(HA_DIR_KEYS)) missing.push('high-availability.storageDir');
      if (!first(CHECKPOINT_KEYS)) missing.push('state.checkpoints.dir');
      if (missing.length) emit({ owner: f, path: 'spec.job.upgradeMode', rule: 'flink-last-state', message: `upgradeMode last-state needs ${missing.join(', ')} in flinkConfiguration (the job would restart from nothing)` });
    }
    const parallelism = get(f.obj, 'spec', 'job', 'parallelism');
    const replicas = get(f.obj, 'spec', 'taskManager', 'replicas');
    const slots = Number(conf['taskmanager.numberOfTaskSlots'] ?? 1);
    if (typeof parallelism === 'number' && typeof replicas === 'number' && Number.isFinite(slots) && parallelism > slots * replicas) {
      emit({ owner: f, path: 'spec.job.parallelism', rule: 'flink-parallelism', message: `parallelism ${parallelism} exceeds the ${slots * replicas} task slots (${replicas} task manager(s) × taskmanager.numberOfTaskSlots ${slots})` });
    }
  }
}
