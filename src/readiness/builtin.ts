/**
 * Verdicts for built-in kinds, with kstatus semantics (observedGeneration honoured, rollouts complete,
 * terminal failures named) and the same outcome as Argo CD's health checks on its own test data.
 */
import { condition, describe, failed, isFalse, isTrue, notObserved, num, progressing, ready } from './conditions.js';
import type { KubeObject, Verdict } from './types.js';

export function deployment(obj: KubeObject): Verdict {
  const spec = obj.spec ?? {};
  const st = obj.status ?? {};
  if (spec.paused === true) return progressing('Deployment is paused', 'Suspended');
  const stale = notObserved(obj, 'the deployment controller');
  if (stale) return stale;
  const prog = condition(obj, 'Progressing');
  if (isFalse(prog) && prog?.reason === 'ProgressDeadlineExceeded') return failed(describe(prog, 'progress deadline exceeded'));
  const replicaFailure = condition(obj, 'ReplicaFailure');
  if (isTrue(replicaFailure)) return failed(describe(replicaFailure, 'pods cannot be created'));
  const want = num(spec.replicas, 1);
  const updated = num(st.updatedReplicas);
  const total = num(st.replicas);
  const available = num(st.availableReplicas);
  if (updated < want) return progressing(`rollout: ${updated} of ${want} replicas updated`);
  if (total > updated) return progressing(`rollout: ${total - updated} old replica(s) pending termination`);
  if (available < updated) return progressing(`rollout: ${available} of ${updated} updated replicas available`);
  return ready(`${available}/${want} replicas available`);
}

export function statefulSet(obj: KubeObject): Verdict {
  const spec = obj.spec ?? {};
  const st = obj.status ?? {};
  const generation = obj.metadata?.generation;
  const observed = num(st.observedGeneration);
  if (observed === 0 || (typeof generation === 'number' && observed < generation)) {
    return progressing('waiting for the statefulset controller to observe the spec', 'NotObserved');
  }
  const want = num(spec.replicas, 1);
  const readyReplicas = num(st.readyReplicas);
  if (readyReplicas < want) return progressing(`${readyReplicas}/${want} pods ready`);
  const strategy = spec.updateStrategy?.type ?? 'RollingUpdate';
  if (strategy === 'OnDelete') return ready(`${readyReplicas}/${want} pods ready`);
  const partition = num(spec.updateStrategy?.rollingUpdate?.partition);
  if (partition > 0) {
    const updated = num(st.updatedReplicas);
    if (updated < want - partition) return progressing(`partitioned rollout: ${updated} of ${want - partition} pods updated`);
    return ready(`partitioned rollout complete: ${updated} pods updated`);
  }
  if (st.updateRevision && st.currentRevision && st.updateRevision !== st.currentRevision) {
    return progressing(`rolling update: ${num(st.updatedReplicas)}/${want} pods at revision ${st.updateRevision}`);
  }
  return ready(`${readyReplicas}/${want} pods ready`);
}

export function daemonSet(obj: KubeObject): Verdict {
  const spec = obj.spec ?? {};
  const st = obj.status ?? {};
  const stale = notObserved(obj, 'the daemonset controller');
  if (stale) return stale;
  if (typeof obj.metadata?.generation === 'number' && st.observedGeneration === undefined) {
    return progressing('waiting for the daemonset controller to observe the spec', 'NotObserved');
  }
  const desired = num(st.desiredNumberScheduled);
  const strategy = spec.updateStrategy?.type ?? 'RollingUpdate';
  if (strategy !== 'OnDelete' && num(st.updatedNumberScheduled) < desired) {
    return progressing(`rollout: ${num(st.updatedNumberScheduled)} of ${desired} pods updated`);
  }
  if (num(st.numberAvailable) < desired) return progressing(`${num(st.numberAvailable)} of ${desired} pods available`);
  return ready(`${num(st.numberAvailable)}/${desired} pods available`);
}

export function replicaSet(obj: KubeObject): Verdict {
  const stale = notObserved(obj, 'the replicaset controller');
  if (stale) return stale;
  const replicaFailure = condition(obj, 'ReplicaFailure');
  if (isTrue(replicaFailure)) return failed(describe(replicaFailure, 'pods cannot be created'));
  const want = num(obj.spec?.replicas, 1);
  const available = num(obj.status?.availableReplicas);
  if (available < want) return progressing(`${available}/${want} replicas available`);
  return ready(`${available}/${want} replicas available`);
}

interface ContainerStatus {
  name: string;
  ready?: boolean;
  restartCount?: number;
  image?: string;
  state?: { waiting?: { reason?: string; message?: string }; running?: object; terminated?: { reason?: string; message?: string; exitCode?: number } };
  lastState?: { terminated?: { reason?: string; message?: string; exitCode?: number } };
}

/** A container waiting for a reason that will not go away by itself (image pull, crash loop, bad config). */
export const isErrorWaitingReason = (reason: string | undefined): boolean =>
  !!reason && (reason.startsWith('Err') || reason.endsWith('Error') || reason.endsWith('BackOff') || reason === 'InvalidImageName');

function containerStatuses(obj: KubeObject): ContainerStatus[] {
  const st = obj.status ?? {};
  return [...(Array.isArray(st.initContainerStatuses) ? st.initContainerStatuses : []), ...(Array.isArray(st.containerStatuses) ? st.containerStatuses : [])];
}

function terminatedMessage(c: ContainerStatus): string {
  const t = c.state?.terminated;
  if (!t) return '';
  if (t.message) return t.message;
  if (t.reason === 'OOMKilled') return `container "${c.name}" was OOMKilled`;
  if (t.exitCode) return `container "${c.name}" failed with exit code ${t.exitCode}`;
  return '';
}

export function pod(obj: KubeObject): Verdict {
  const spec = obj.spec ?? {};
  const st = obj.status ?? {};
  const restartPolicy = spec.restartPolicy ?? 'Always';
  const statuses = containerStatuses(obj);
  const waitingErrors = statuses.filter((c) => isErrorWaitingReason(c.state?.waiting?.reason));
  // A pod that is meant to run to completion may still recover from these (it is retried by its owner);
  // a long-running pod stuck on them will not.
  if (restartPolicy === 'Always' && waitingErrors.length) {
    return failed(waitingErrors.map((c) => `container "${c.name}": ${c.state!.waiting!.reason}${c.state!.waiting!.message ? ` (${c.state!.waiting!.message})` : ''}`).join('; '));
  }
  const phase: string = st.phase ?? 'Pending';
  switch (phase) {
    case 'Succeeded':
      return ready('completed');
    case 'Failed': {
      if (st.message) return failed(st.message);
      const msg = statuses.map(terminatedMessage).find(Boolean);
      return failed(msg || `pod failed${st.reason ? ` (${st.reason})` : ''}`);
    }
    case 'Pending': {
      const scheduled = condition(obj, 'PodScheduled');
      if (isFalse(scheduled)) return progressing(`unschedulable: ${describe(scheduled, 'waiting to be scheduled')}`);
      const waiting = statuses.find((c) => c.state?.waiting)?.state?.waiting;
      return progressing(st.message || (waiting?.reason ? `pending: ${waiting.reason}` : 'pending'));
    }
    case 'Running': {
      if (restartPolicy !== 'Always') {
        const crash = waitingErrors[0];
        return progressing(crash ? `running to completion; container "${crash.name}" ${crash.state!.waiting!.reason}` : 'running to completion');
      }
      if (isTrue(condition(obj, 'Ready'))) return ready('running and ready');
      const restarted = statuses.find((c) => c.lastState?.terminated || c.state?.terminated);
      if (restarted) {
        const t = restarted.state?.terminated ?? restarted.lastState!.terminated!;
        return failed(`container "${restarted.name}" terminated (${t.reason ?? 'exit ' + num(t.exitCode)}) and is not ready`);
      }
      return progressing(st.message || 'running, not ready yet');
    }
    default:
      return progressing(`phase ${phase}`);
  }
}

export function job(obj: KubeObject): Verdict {
  const failedCond = condition(obj, 'Failed') ?? condition(obj, 'FailureTarget');
  if (isTrue(failedCond)) return failed(describe(failedCond, 'job failed'));
  if (isTrue(condition(obj, 'Complete'))) return ready('completed');
  if (obj.spec?.suspend === true || isTrue(condition(obj, 'Suspended'))) return progressing('job is suspended', 'Suspended');
  const st = obj.status ?? {};
  const completions = num(obj.spec?.completions, 1);
  return progressing(`${num(st.active)} active, ${num(st.succeeded)}/${completions} succeeded, ${num(st.failed)} failed`);
}

export function persistentVolumeClaim(obj: KubeObject): Verdict {
  const phase = obj.status?.phase;
  if (phase === 'Bound') return ready('bound');
  if (phase === 'Lost') return failed('the bound volume is lost');
  return progressing(phase ? `phase ${phase}` : 'waiting to be bound');
}

export function service(obj: KubeObject): Verdict {
  if (obj.spec?.type !== 'LoadBalancer') return ready(`type ${obj.spec?.type ?? 'ClusterIP'}`);
  const ingress = obj.status?.loadBalancer?.ingress;
  if (Array.isArray(ingress) && ingress.length > 0) {
    const addrs = ingress.map((i: { ip?: string; hostname?: string }) => i.ip ?? i.hostname).filter(Boolean);
    return ready(addrs.length ? `load balancer at ${addrs.join(', ')}` : 'load balancer assigned');
  }
  return progressing('waiting for a load balancer address');
}

export function podDisruptionBudget(obj: KubeObject): Verdict {
  const stale = notObserved(obj, 'the disruption controller');
  if (stale) return stale;
  const st = obj.status;
  if (!st || st.desiredHealthy === undefined) return progressing('waiting for the disruption controller', 'NoStatus');
  const current = num(st.currentHealthy);
  const desired = num(st.desiredHealthy);
  if (current < desired) return progressing(`${current} healthy pods, ${desired} required`);
  return ready(`${current} healthy pods (${desired} required)`);
}

export function customResourceDefinition(obj: KubeObject): Verdict {
  const names = condition(obj, 'NamesAccepted');
  if (isFalse(names)) return failed(describe(names, 'names not accepted'));
  if (isTrue(condition(obj, 'Established'))) return ready('established');
  return progressing('waiting to be established');
}

export function namespace(obj: KubeObject): Verdict {
  if (obj.status?.phase === 'Terminating') return progressing('namespace is terminating', 'Terminating');
  return ready('active');
}
