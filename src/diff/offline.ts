/**
 * What change safety cannot know from two renders: facts only the live cluster holds. `diff --changed` compares
 * render with render, so each finding that depends on such a fact says which one, as "unknown offline", instead
 * of guessing (`logclaw diff --tenant ID --kube-context CTX` asks the cluster).
 */
import { objectRef } from '../safety/objects.js';
import type { ObjectChange, SafetyFinding } from '../safety/types.js';
import { get } from '../object.js';

export interface OfflineUnknown {
  /** `Kind namespace/name` */
  object: string;
  /** What only the cluster knows, and what it would change. */
  what: string;
}

const SIZE_FIELD = /(^spec\.resources\.requests\.storage$|storage(\.volumes\[id=[^\]]*\])?\.size$)/;

export function offlineUnknowns(changes: ObjectChange[], findings: SafetyFinding[]): OfflineUnknown[] {
  const out: OfflineUnknown[] = [];
  const add = (object: string, what: string) => {
    if (!out.some((u) => u.object === object && u.what === what)) out.push({ object, what });
  };
  for (const f of findings) {
    if (f.field && SIZE_FIELD.test(f.field)) {
      if (f.verdict === 'safe') add(f.object, 'whether the StorageClass allows volume expansion (if not, the bound volumes keep their size)');
      else add(f.object, 'the size of the bound volumes (compared here with the size rendered at the base, not with what is bound)');
    }
    if (f.field === 'spec.volumeClaimTemplates') add(f.object, 'the bound claims and whether their StorageClass allows expansion (what `upgrade --recreate` can grow)');
  }
  for (const c of changes) {
    const b = c.before;
    const a = c.after;
    if (b && a && a.kind === 'FlinkDeployment' && String(get(b, 'spec', 'job', 'upgradeMode') ?? 'stateless') === 'last-state' && String(get(a, 'spec', 'job', 'upgradeMode') ?? 'stateless') !== 'last-state') {
      add(objectRef(a), 'whether the running job has savepoints and is RUNNING (status.jobStatus): with savepoints, leaving last-state can lose its state (data-loss)');
    }
    if (b && !a && b.kind === 'FlinkDeployment') add(objectRef(b), 'whether the job has savepoints (status.jobStatus.savepointInfo): deleting a job with savepoints is data-loss');
    if (b && a && a.kind === 'OpenSearchCluster' && findings.some((f) => f.object === objectRef(a) && f.verdict !== 'safe')) {
      add(objectRef(a), 'the replicas of indices created at run time (the rendered index templates are assumed)');
    }
  }
  return out;
}
