// Pod lifecycle stages: what a kubelet reports for a pod, and the failure modes a scenario chooses
// per workload (matched by namespace / name / labels).
import type { KubeObject } from '../lib/kube.ts';
import { type Expr, type Match, q, scaled, stage } from './common.ts';

const POD = { apiGroup: 'v1', kind: 'Pod' };

export type PodMode =
  | 'ready' | 'crashLoop' | 'imagePullBackOff' | 'oomKilled' | 'initNeverFinishes' | 'readyFlapping'
  | 'jobSucceeds' | 'jobFails';

export const POD_MODES: PodMode[] = ['ready', 'crashLoop', 'imagePullBackOff', 'oomKilled', 'initNeverFinishes', 'readyFlapping', 'jobSucceeds', 'jobFails'];

export interface PodRule {
  match: Match;
  mode: PodMode;
  /** seconds (scenario clock) before the mode's first transition */
  delay?: number;
  /** seconds between restarts (crashLoop/oomKilled) or between Ready flips (readyFlapping) */
  period?: number;
  exitCode?: number;
  /** log lines `kubectl logs` (and --previous) show for matching pods */
  logs?: string[];
  /** restrict crash/OOM to one container (default: all) */
  container?: string;
}

const notDeleted: Expr = { key: '.metadata.deletionTimestamp', operator: 'DoesNotExist' };
const phase = (...p: string[]): Expr => ({ key: '.status.phase', operator: 'In', values: p });
const cond = (type: string, ...values: string[]): Expr =>
  ({ key: `.status.conditions.[] | select( .type == ${q(type)} ) | .status`, operator: 'In', values });
const waiting = (...reasons: string[]): Expr => ({ key: '.status.containerStatuses.[].state.waiting.reason', operator: 'In', values: reasons });

const IPS = `
{{ $hostIPs := NodeIPsWith .spec.nodeName }}
{{ with $hostIPs }}
hostIP: {{ index . 0 | Quote }}
hostIPs:
{{ range . }}
- ip: {{ . | Quote }}
{{ end }}
{{ end }}
{{ $podIPs := PodIPsWith .spec.nodeName ( or .spec.hostNetwork false ) ( or .metadata.uid "" ) ( or .metadata.name "" ) ( or .metadata.namespace "" ) }}
{{ with $podIPs }}
podIP: {{ index . 0 | Quote }}
podIPs:
{{ range . }}
- ip: {{ . | Quote }}
{{ end }}
{{ end }}`;

const conditions = (ready: boolean, reason = 'ContainersNotReady', initialized = true) => `
conditions:
- type: PodReadyToStartContainers
  status: "True"
  lastTransitionTime: {{ $now | Quote }}
- type: Initialized
  status: ${q(initialized ? 'True' : 'False')}
  lastTransitionTime: {{ $now | Quote }}
${initialized ? '' : `  reason: ContainersNotInitialized
  message: 'containers with incomplete status: [{{ range .spec.initContainers }}{{ .name }} {{ end }}]'
`}- type: ContainersReady
  status: ${q(ready ? 'True' : 'False')}
  lastTransitionTime: {{ $now | Quote }}
${ready ? '' : `  reason: ${reason}
  message: 'containers with unready status: [{{ range .spec.containers }}{{ .name }} {{ end }}]'
`}- type: Ready
  status: ${q(ready ? 'True' : 'False')}
  lastTransitionTime: {{ $now | Quote }}
${ready ? '' : `  reason: ${reason}
  message: 'containers with unready status: [{{ range .spec.containers }}{{ .name }} {{ end }}]'
`}`;

// Pending with ContainerCreating (or PodInitializing behind init containers), IPs assigned.
const createTemplate = `{{ $now := Now }}
conditions:
- type: PodReadyToStartContainers
  status: "True"
  lastTransitionTime: {{ $now | Quote }}
{{ if .spec.initContainers }}
- type: Initialized
  status: "False"
  reason: ContainersNotInitialized
  message: 'containers with incomplete status: [{{ range .spec.initContainers }}{{ .name }} {{ end }}]'
  lastTransitionTime: {{ $now | Quote }}
{{ else }}
- type: Initialized
  status: "True"
  lastTransitionTime: {{ $now | Quote }}
{{ end }}
- type: ContainersReady
  status: "False"
  reason: ContainersNotReady
  message: 'containers with unready status: [{{ range .spec.containers }}{{ .name }} {{ end }}]'
  lastTransitionTime: {{ $now | Quote }}
- type: Ready
  status: "False"
  reason: ContainersNotReady
  message: 'containers with unready status: [{{ range .spec.containers }}{{ .name }} {{ end }}]'
  lastTransitionTime: {{ $now | Quote }}
{{ if .spec.initContainers }}
initContainerStatuses:
{{ range .spec.initContainers }}
- image: {{ .image | Quote }}
  imageID: ""
  name: {{ .name | Quote }}
  ready: false
  restartCount: 0
  started: false
  state:
    waiting:
      reason: PodInitializing
{{ end }}
{{ end }}
containerStatuses:
{{ $waitReason := "ContainerCreating" }}
{{ if .spec.initContainers }}{{ $waitReason = "PodInitializing" }}{{ end }}
{{ range .spec.containers }}
- image: {{ .image | Quote }}
  imageID: ""
  name: {{ .name | Quote }}
  ready: false
  restartCount: 0
  started: false
  state:
    waiting:
      reason: {{ $waitReason }}
{{ end }}
${IPS}
phase: Pending
startTime: {{ $now | Quote }}
`;

const initDoneTemplate = `{{ $now := Now }}
conditions:
- type: Initialized
  status: "True"
  lastTransitionTime: {{ $now | Quote }}
initContainerStatuses:
{{ range .spec.initContainers }}
- image: {{ .image | Quote }}
  imageID: ""
  name: {{ .name | Quote }}
  ready: {{ if eq (or .restartPolicy "") "Always" }}true{{ else }}false{{ end }}
  restartCount: 0
  started: {{ if eq (or .restartPolicy "") "Always" }}true{{ else }}false{{ end }}
  state:
{{ if eq (or .restartPolicy "") "Always" }}
    running:
      startedAt: {{ $now | Quote }}
{{ else }}
    terminated:
      exitCode: 0
      reason: Completed
      startedAt: {{ $now | Quote }}
      finishedAt: {{ $now | Quote }}
{{ end }}
{{ end }}
`;

const initStuckTemplate = `{{ $now := Now }}
initContainerStatuses:
{{ range $i, $c := .spec.initContainers }}
- image: {{ $c.image | Quote }}
  imageID: ""
  name: {{ $c.name | Quote }}
  ready: false
  restartCount: 0
  started: {{ if eq $i 0 }}true{{ else }}false{{ end }}
  state:
{{ if eq $i 0 }}
    running:
      startedAt: {{ $now | Quote }}
{{ else }}
    waiting:
      reason: PodInitializing
{{ end }}
{{ end }}
`;

const runningContainers = (ready: boolean) => `containerStatuses:
{{ range .spec.containers }}
- image: {{ .image | Quote }}
  imageID: ""
  containerID: {{ printf "kwok://%s" .name | Quote }}
  name: {{ .name | Quote }}
  ready: ${ready}
  restartCount: 0
  started: true
  state:
    running:
      startedAt: {{ $now | Quote }}
{{ end }}`;

const readyTemplate = `{{ $now := Now }}
${conditions(true)}
${runningContainers(true)}
phase: Running
`;

// Ready flips keep the containers (and their start times / restart counts) and only change readiness.
const flipTemplate = (ready: boolean) => `{{ $now := Now }}
{{ $root := . }}
${conditions(ready)}
containerStatuses:
{{ range $i, $c := .spec.containers }}
{{ $o := index $root.status.containerStatuses $i }}
- image: {{ $c.image | Quote }}
  imageID: ""
  containerID: {{ printf "kwok://%s" $c.name | Quote }}
  name: {{ $c.name | Quote }}
  ready: ${ready}
  restartCount: {{ or $o.restartCount 0 }}
  started: true
  state:
    running:
      startedAt: {{ $o.state.running.startedAt | Quote }}
{{ end }}
`;

/** Containers crash (or are OOM-killed) and wait in CrashLoopBackOff; each repetition adds a restart. */
const crashTemplate = (reason: string, exitCode: number, container: string | undefined, first: boolean) => `{{ $now := Now }}
{{ $root := . }}
${first ? conditions(false) : ''}
containerStatuses:
{{ range $i, $c := .spec.containers }}
{{ $o := dict }}
{{ if $root.status.containerStatuses }}{{ $o = index $root.status.containerStatuses $i }}{{ end }}
{{ if or (eq ${q(container ?? '')} "") (eq $c.name ${q(container ?? '')}) }}
- image: {{ $c.image | Quote }}
  imageID: ""
  containerID: {{ printf "kwok://%s" $c.name | Quote }}
  name: {{ $c.name | Quote }}
  ready: false
  restartCount: {{ ${first ? '1' : 'add (or $o.restartCount 0) 1'} }}
  started: false
  lastState:
    terminated:
      exitCode: ${exitCode}
      reason: ${reason}
      startedAt: {{ $now | Quote }}
      finishedAt: {{ $now | Quote }}
  state:
    waiting:
      reason: CrashLoopBackOff
      message: {{ printf "back-off 10s restarting failed container=%s pod=%s_%s(%s)" $c.name $root.metadata.name $root.metadata.namespace $root.metadata.uid | Quote }}
{{ else }}
- image: {{ $c.image | Quote }}
  imageID: ""
  containerID: {{ printf "kwok://%s" $c.name | Quote }}
  name: {{ $c.name | Quote }}
  ready: true
  restartCount: 0
  started: true
  state:
    running:
      startedAt: {{ $now | Quote }}
{{ end }}
{{ end }}
phase: Running
`;

const pullBackOffTemplate = `{{ $now := Now }}
${conditions(false)}
containerStatuses:
{{ range .spec.containers }}
- image: {{ .image | Quote }}
  imageID: ""
  name: {{ .name | Quote }}
  ready: false
  restartCount: 0
  started: false
  state:
    waiting:
      reason: ImagePullBackOff
      message: {{ printf "Back-off pulling image %q" .image | Quote }}
{{ end }}
phase: Pending
`;

const completeTemplate = (ok: boolean, exitCode: number) => `{{ $now := Now }}
{{ $root := . }}
${conditions(false, 'PodCompleted')}
containerStatuses:
{{ range $i, $c := .spec.containers }}
{{ $o := dict }}
{{ if $root.status.containerStatuses }}{{ $o = index $root.status.containerStatuses $i }}{{ end }}
- image: {{ $c.image | Quote }}
  imageID: ""
  containerID: {{ printf "kwok://%s" $c.name | Quote }}
  name: {{ $c.name | Quote }}
  ready: false
  restartCount: 0
  started: false
  state:
    terminated:
      exitCode: ${ok ? 0 : exitCode}
      reason: ${ok ? 'Completed' : 'Error'}
      startedAt: {{ or (and $o.state $o.state.running $o.state.running.startedAt) $now | Quote }}
      finishedAt: {{ $now | Quote }}
{{ end }}
phase: ${ok ? 'Succeeded' : 'Failed'}
`;

// Selectors of the base lifecycle, reused by the scenario stages that replace a step.
const SEL = {
  create: [notDeleted, { key: '.status.podIP', operator: 'DoesNotExist' }] as Expr[],
  initDone: [notDeleted, phase('Pending'), { key: '.status.initContainerStatuses.[].state.waiting.reason', operator: 'In', values: ['PodInitializing'] }] as Expr[],
  ready: [notDeleted, phase('Pending'), cond('Initialized', 'True'), waiting('ContainerCreating', 'PodInitializing')] as Expr[],
  jobComplete: [notDeleted, phase('Running'), cond('Ready', 'True'), { key: '.metadata.ownerReferences.[].kind', operator: 'In', values: ['Job'] }] as Expr[],
  hookComplete: [notDeleted, phase('Running'), cond('Ready', 'True'), { key: '.metadata.annotations["helm.sh/hook"]', operator: 'Exists' }, { key: '.metadata.ownerReferences', operator: 'DoesNotExist' }] as Expr[],
};

/** The healthy kubelet: Pending → (init containers done) → Running/Ready; Job pods complete; deleted pods go away. */
export function basePodStages(readyDelayMs = 0): KubeObject[] {
  return [
    stage({ name: 'pod-create', ...POD, weight: 0, exprs: SEL.create, steps: [{ status: createTemplate }] }),
    stage({ name: 'pod-init-done', ...POD, weight: 0, exprs: SEL.initDone, steps: [{ status: initDoneTemplate }] }),
    stage({ name: 'pod-ready', ...POD, weight: 0, exprs: SEL.ready, delayMs: readyDelayMs,
      steps: [{ event: { type: 'Normal', reason: 'Started', message: 'Started container' }, status: readyTemplate }] }),
    stage({ name: 'pod-complete', ...POD, weight: 0, exprs: SEL.jobComplete, delayMs: readyDelayMs, steps: [{ status: completeTemplate(true, 0) }] }),
    stage({ name: 'pod-complete-hook', ...POD, weight: 0, exprs: SEL.hookComplete, delayMs: readyDelayMs, steps: [{ status: completeTemplate(true, 0) }] }),
    stage({ name: 'pod-delete', ...POD, weight: 0, exprs: [{ key: '.metadata.deletionTimestamp', operator: 'Exists' }], steps: [{ delete: true }] }),
  ];
}

/** Scenario stages for one pod rule (weight 1: they win over the base lifecycle where they match). */
export function podRuleStages(prefix: string, rule: PodRule, timeScale: number, scenario: string): KubeObject[] {
  const delayMs = scaled(rule.delay, timeScale);
  const periodMs = Math.max(50, scaled(rule.period ?? 30, timeScale));
  const base = { ...POD, weight: 1, match: rule.match, scenario };
  const exit = rule.exitCode ?? 1;
  switch (rule.mode) {
    case 'ready':
      return [stage({ ...base, name: `${prefix}-ready`, exprs: SEL.ready, delayMs, steps: [{ status: readyTemplate }] })];
    case 'crashLoop':
    case 'oomKilled': {
      const reason = rule.mode === 'oomKilled' ? 'OOMKilled' : 'Error';
      const code = rule.mode === 'oomKilled' ? 137 : exit;
      const ev = { type: 'Warning', reason: 'BackOff', message: 'Back-off restarting failed container' };
      return [
        stage({ ...base, name: `${prefix}-crash`, exprs: SEL.ready, delayMs, steps: [{ event: ev, status: crashTemplate(reason, code, rule.container, true) }] }),
        stage({ ...base, name: `${prefix}-restart`, exprs: [notDeleted, phase('Running'), waiting('CrashLoopBackOff')], delayMs: periodMs,
          steps: [{ event: ev, status: crashTemplate(reason, code, rule.container, false) }] }),
      ];
    }
    case 'imagePullBackOff':
      return [stage({ ...base, name: `${prefix}-pull`, exprs: SEL.ready, delayMs,
        steps: [{ event: { type: 'Warning', reason: 'Failed', message: 'Error: ImagePullBackOff' }, status: pullBackOffTemplate }] })];
    case 'initNeverFinishes':
      return [stage({ ...base, name: `${prefix}-init-stuck`, exprs: SEL.initDone, delayMs, steps: [{ status: initStuckTemplate }] })];
    case 'readyFlapping':
      return [
        stage({ ...base, name: `${prefix}-ready`, exprs: SEL.ready, delayMs, steps: [{ status: readyTemplate }] }),
        stage({ ...base, name: `${prefix}-flap-down`, exprs: [notDeleted, phase('Running'), cond('Ready', 'True')], delayMs: periodMs,
          steps: [{ event: { type: 'Warning', reason: 'Unhealthy', message: 'Readiness probe failed' }, status: flipTemplate(false) }] }),
        stage({ ...base, name: `${prefix}-flap-up`, exprs: [notDeleted, phase('Running'), cond('Ready', 'False'),
          { key: '.status.containerStatuses.[].state.running.startedAt', operator: 'Exists' }], delayMs: periodMs, steps: [{ status: flipTemplate(true) }] }),
      ];
    case 'jobSucceeds':
    case 'jobFails': {
      const ok = rule.mode === 'jobSucceeds';
      return [SEL.jobComplete, SEL.hookComplete].map((exprs, i) =>
        stage({ ...base, name: `${prefix}-${ok ? 'succeed' : 'fail'}${i ? '-hook' : ''}`, exprs, delayMs, steps: [{ status: completeTemplate(ok, exit) }] }));
    }
    default:
      throw new Error(`unknown pod mode ${String((rule as PodRule).mode)} (one of ${POD_MODES.join(', ')})`);
  }
}
