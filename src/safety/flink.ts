/**
 * Flink Kubernetes operator (flink.apache.org/v1beta1 FlinkDeployment): spec.job.upgradeMode
 * (last-state|savepoint|stateless; unset means stateless), spec.job.state, and the live status
 * status.jobStatus.{state, savepointInfo{lastSavepoint, savepointHistory}, checkpointInfo{lastCheckpoint}}.
 */
import { changedPaths, type NamedKubeObject } from './objects.js';
import { finding } from './finding.js';
import type { SafetyFinding } from './types.js';
import { get, isRecord } from '../object.js';

export const isFlink = (o: NamedKubeObject): boolean => o.apiVersion.startsWith('flink.apache.org/') && o.kind === 'FlinkDeployment';

/** Savepoints (or a starting savepoint) the live job has: its state lives there. */
export function savepointsOf(live: NamedKubeObject): string[] {
  const found: string[] = [];
  const last = get(live, 'status', 'jobStatus', 'savepointInfo', 'lastSavepoint');
  if (isRecord(last) && typeof last.location === 'string') found.push(last.location);
  const history = get(live, 'status', 'jobStatus', 'savepointInfo', 'savepointHistory');
  if (Array.isArray(history)) for (const h of history) if (typeof get(h, 'location') === 'string') found.push(get(h, 'location') as string);
  const initial = get(live, 'spec', 'job', 'initialSavepointPath');
  if (typeof initial === 'string' && initial) found.push(initial);
  return [...new Set(found)];
}

const mode = (o: NamedKubeObject): string => String(get(o, 'spec', 'job', 'upgradeMode') ?? 'stateless');

export function flinkRules(before: NamedKubeObject, after: NamedKubeObject): SafetyFinding[] {
  const out: SafetyFinding[] = [];
  const bm = mode(before);
  const am = mode(after);
  const savepoints = savepointsOf(before);
  const jobState = String(get(before, 'status', 'jobStatus', 'state') ?? 'UNKNOWN');
  if (bm === 'last-state' && am !== 'last-state') {
    if (savepoints.length === 0) {
      out.push(finding(after, 'disruptive', `upgradeMode last-state → ${am}: the job no longer resumes from its last checkpoint on upgrades`, { field: 'spec.job.upgradeMode' }));
    } else if (am === 'stateless') {
      out.push(
        finding(after, 'data-loss', `upgradeMode last-state → stateless while the job has ${savepoints.length} savepoint(s) (latest ${savepoints[0]}): the next upgrade starts the job with empty state`, {
          field: 'spec.job.upgradeMode',
          fix: 'keep upgradeMode last-state (or savepoint)',
        }),
      );
    } else if (jobState !== 'RUNNING') {
      out.push(
        finding(after, 'data-loss', `upgradeMode last-state → savepoint while the job is ${jobState}: no savepoint can be taken, so the upgrade falls back to the savepoint ${savepoints[0]} and loses the state after it`, {
          field: 'spec.job.upgradeMode',
          fix: 'keep last-state until the job runs again, then switch',
        }),
      );
    } else {
      out.push(finding(after, 'disruptive', 'upgradeMode last-state → savepoint: upgrades now stop the job with a savepoint (slower, blocks if the savepoint fails)', { field: 'spec.job.upgradeMode' }));
    }
  }
  if (get(before, 'spec', 'job', 'state') !== 'suspended' && get(after, 'spec', 'job', 'state') === 'suspended') {
    out.push(finding(after, 'disruptive', 'job state running → suspended: the job stops processing', { field: 'spec.job.state' }));
  }
  const rest = changedPaths(get(before, 'spec'), get(after, 'spec'), 'spec').filter((p) => p !== 'spec.job.upgradeMode' && p !== 'spec.job.state');
  if (rest.length) {
    out.push(
      finding(after, 'restart', `${rest.slice(0, 4).join(', ')} changed: the operator redeploys the job (upgradeMode ${am})`, {
        field: rest[0],
        workloads: [`FlinkDeployment ${after.metadata.name}`],
      }),
    );
  }
  return out;
}
