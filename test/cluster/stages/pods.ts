// Pod lifecycle stages: what a kubelet reports for a pod, and the failure modes a scenario chooses
// per workload (matched by namespace / name / labels). Both are tables of transitions (BASE_LIFECYCLE,
// POD_MODE_TRANSITIONS) that the one stage builder, stagesOf (./common.ts), turns into stages.
import type { KubeObject } from '../lib/kube.ts';
import { type Expr, type Match, type Transition, cond, field, notDeleted, q, scaled, stagesOf } from './common.ts';

const POD = { apiGroup: 'v1', kind: 'Pod' };

export type PodMode =
  | 'ready' | 'crashLoop' | 'imagePullBackOff' | 'oomKilled' | 'initNeverFinishes' | 'readyFlapping'
  | 'jobSucceeds' | 'jobFails';



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

const phase = (...p: string[]): Expr => field('.status.phase', ...p);
const waiting = (...reasons: string[]): Expr => field('.status.containerStatuses.[].state.waiting.reason', ...reasons);

/** hostIP/hostIPs or podIP/podIPs from one of KWOK's address functions. */
const addresses = (of: 'host' | 'pod', call: string) => `{{ $${of}IPs := ${call} }}
{{ with $${of}IPs }}
${of}IP: {{ index . 0 | Quote }}
${of}IPs:
{{ range . }}
- ip: {{ . | Quote }}
{{ end }}
{{ end }}`;
const IPS = `
${addresses('host', 'NodeIPsWith .spec.nodeName')}
${addresses('pod', 'PodIPsWith .spec.nodeName ( or .spec.hostNetwork false ) ( or .metadata.uid "" ) ( or .metadata.name "" ) ( or .metadata.namespace "" )')}`;

/**
 * One entry of containerStatuses (or initContainerStatuses) for the container `c` names in the template
 * (`.` inside a range over the containers, `$c` when the range names it). Values are template text.
 */
const containerStatus = (c: '.' | '$c', f: { id?: boolean; ready: string; restarts: string; started: string; lastState?: string; state: string }) => {
  const x = c === '.' ? '' : c;
  return `- image: {{ ${x}.image | Quote }}
  imageID: ""${f.id ? `
  containerID: {{ printf "kwok://%s" ${x}.name | Quote }}` : ''}
  name: {{ ${x}.name | Quote }}
  ready: ${f.ready}
  restartCount: ${f.restarts}
  started: ${f.started}${f.lastState ? `
  lastState:
${f.lastState}` : ''}
  state:
${f.state}`;
};
const waitingState = (reason: string) => `    waiting:
      reason: ${reason}`;
const runningSince = (at: string) => `    running:
      startedAt: {{ ${at} | Quote }}`;

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
${containerStatus('.', { ready: 'false', restarts: '0', started: 'false', state: waitingState('PodInitializing') })}
{{ end }}
{{ end }}
containerStatuses:
{{ $waitReason := "ContainerCreating" }}
{{ if .spec.initContainers }}{{ $waitReason = "PodInitializing" }}{{ end }}
{{ range .spec.containers }}
${containerStatus('.', { ready: 'false', restarts: '0', started: 'false', state: waitingState('{{ $waitReason }}') })}
{{ end }}
${IPS}
phase: Pending
startTime: {{ $now | Quote }}
`;

// a restartable init container (a sidecar) keeps running; the others complete
const sidecar = '{{ if eq (or .restartPolicy "") "Always" }}true{{ else }}false{{ end }}';
const initDoneTemplate = `{{ $now := Now }}
conditions:
- type: Initialized
  status: "True"
  lastTransitionTime: {{ $now | Quote }}
initContainerStatuses:
{{ range .spec.initContainers }}
${containerStatus('.', { ready: sidecar, restarts: '0', started: sidecar, state: `{{ if eq (or .restartPolicy "") "Always" }}
${runningSince('$now')}
{{ else }}
    terminated:
      exitCode: 0
      reason: Completed
      startedAt: {{ $now | Quote }}
      finishedAt: {{ $now | Quote }}
{{ end }}` })}
{{ end }}
`;

const initStuckTemplate = `{{ $now := Now }}
initContainerStatuses:
{{ range $i, $c := .spec.initContainers }}
${containerStatus('$c', { ready: 'false', restarts: '0', started: '{{ if eq $i 0 }}true{{ else }}false{{ end }}', state: `{{ if eq $i 0 }}
    running:
      startedAt: {{ $now | Quote }}
{{ else }}
${waitingState('PodInitializing')}
{{ end }}` })}
{{ end }}
`;

const runningContainers = (ready: boolean) => `containerStatuses:
{{ range .spec.containers }}
${containerStatus('.', { id: true, ready: String(ready), restarts: '0', started: 'true', state: runningSince('$now') })}
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
${containerStatus('$c', { id: true, ready: String(ready), restarts: '{{ or $o.restartCount 0 }}', started: 'true', state: runningSince('$o.state.running.startedAt') })}
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
${containerStatus('$c', { id: true, ready: 'false', restarts: `{{ ${first ? '1' : 'add (or $o.restartCount 0) 1'} }}`, started: 'false', lastState: `    terminated:
      exitCode: ${exitCode}
      reason: ${reason}
      startedAt: {{ $now | Quote }}
      finishedAt: {{ $now | Quote }}`, state: `${waitingState('CrashLoopBackOff')}
      message: {{ printf "back-off 10s restarting failed container=%s pod=%s_%s(%s)" $c.name $root.metadata.name $root.metadata.namespace $root.metadata.uid | Quote }}` })}
{{ else }}
${containerStatus('$c', { id: true, ready: 'true', restarts: '0', started: 'true', state: runningSince('$now') })}
{{ end }}
{{ end }}
phase: Running
`;

const pullBackOffTemplate = `{{ $now := Now }}
${conditions(false)}
containerStatuses:
{{ range .spec.containers }}
${containerStatus('.', { ready: 'false', restarts: '0', started: 'false', state: `${waitingState('ImagePullBackOff')}
      message: {{ printf "Back-off pulling image %q" .image | Quote }}` })}
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
${containerStatus('$c', { id: true, ready: 'false', restarts: '0', started: 'false', state: `    terminated:
      exitCode: ${ok ? 0 : exitCode}
      reason: ${ok ? 'Completed' : 'Error'}
      startedAt: {{ or (and $o.state $o.state.running $o.state.running.startedAt) $now | Quote }}
      finishedAt: {{ $now | Quote }}` })}
{{ end }}
phase: ${ok ? 'Succeeded' : 'Failed'}
`;

// Selectors of the base lifecycle, reused by the scenario stages that replace a step.
const SEL = {
  create: [notDeleted, { key: '.status.podIP', operator: 'DoesNotExist' }] as Expr[],
  initDone: [notDeleted, phase('Pending'), field('.status.initContainerStatuses.[].state.waiting.reason', 'PodInitializing')] as Expr[],
  ready: [notDeleted, phase('Pending'), cond('Initialized', 'True'), waiting('ContainerCreating', 'PodInitializing')] as Expr[],
  jobComplete: [notDeleted, phase('Running'), cond('Ready', 'True'), field('.metadata.ownerReferences.[].kind', 'Job')] as Expr[],
  hookComplete: [notDeleted, phase('Running'), cond('Ready', 'True'), { key: '.metadata.annotations["helm.sh/hook"]', operator: 'Exists' }, { key: '.metadata.ownerReferences', operator: 'DoesNotExist' }] as Expr[],
  crashLooping: [notDeleted, phase('Running'), waiting('CrashLoopBackOff')] as Expr[],
  readyTrue: [notDeleted, phase('Running'), cond('Ready', 'True')] as Expr[],
  readyFalseRunning: [notDeleted, phase('Running'), cond('Ready', 'False'), { key: '.status.containerStatuses.[].state.running.startedAt', operator: 'Exists' }] as Expr[],
};

/** The healthy kubelet: Pending → (init containers done) → Running/Ready; Job pods complete; deleted pods go away. */
const BASE_LIFECYCLE = (readyDelayMs: number): Transition[] => [
  { name: 'create', exprs: SEL.create, status: createTemplate },
  { name: 'init-done', exprs: SEL.initDone, status: initDoneTemplate },
  { name: 'ready', exprs: SEL.ready, delayMs: readyDelayMs, event: { type: 'Normal', reason: 'Started', message: 'Started container' }, status: readyTemplate },
  { name: 'complete', exprs: SEL.jobComplete, delayMs: readyDelayMs, status: completeTemplate(true, 0) },
  { name: 'complete-hook', exprs: SEL.hookComplete, delayMs: readyDelayMs, status: completeTemplate(true, 0) },
  { name: 'delete', exprs: [{ key: '.metadata.deletionTimestamp', operator: 'Exists' }], delete: true },
];

interface ModeInput {
  /** real ms before the mode's first transition */
  delayMs: number;
  /** real ms between repetitions */
  periodMs: number;
  exitCode: number;
  container: string | undefined;
}

const backOff = { type: 'Warning', reason: 'BackOff', message: 'Back-off restarting failed container' };
const crashing = (reason: string, code: (m: ModeInput) => number) => (m: ModeInput): Transition[] => [
  { name: 'crash', exprs: SEL.ready, delayMs: m.delayMs, event: backOff, status: crashTemplate(reason, code(m), m.container, true) },
  { name: 'restart', exprs: SEL.crashLooping, delayMs: m.periodMs, event: backOff, status: crashTemplate(reason, code(m), m.container, false) },
];
const completing = (ok: boolean) => (m: ModeInput): Transition[] => [SEL.jobComplete, SEL.hookComplete].map((exprs, i) =>
  ({ name: `${ok ? 'succeed' : 'fail'}${i ? '-hook' : ''}`, exprs, delayMs: m.delayMs, status: completeTemplate(ok, m.exitCode) }));

/** Each failure mode a scenario may choose, as the transitions that replace the healthy kubelet's. */
const POD_MODE_TRANSITIONS: Record<PodMode, (m: ModeInput) => Transition[]> = {
  ready: (m) => [{ name: 'ready', exprs: SEL.ready, delayMs: m.delayMs, status: readyTemplate }],
  crashLoop: crashing('Error', (m) => m.exitCode),
  imagePullBackOff: (m) => [{ name: 'pull', exprs: SEL.ready, delayMs: m.delayMs, event: { type: 'Warning', reason: 'Failed', message: 'Error: ImagePullBackOff' }, status: pullBackOffTemplate }],
  oomKilled: crashing('OOMKilled', () => 137),
  initNeverFinishes: (m) => [{ name: 'init-stuck', exprs: SEL.initDone, delayMs: m.delayMs, status: initStuckTemplate }],
  readyFlapping: (m) => [
    { name: 'ready', exprs: SEL.ready, delayMs: m.delayMs, status: readyTemplate },
    { name: 'flap-down', exprs: SEL.readyTrue, delayMs: m.periodMs, event: { type: 'Warning', reason: 'Unhealthy', message: 'Readiness probe failed' }, status: flipTemplate(false) },
    { name: 'flap-up', exprs: SEL.readyFalseRunning, delayMs: m.periodMs, status: flipTemplate(true) },
  ],
  jobSucceeds: completing(true),
  jobFails: completing(false),
};

export const POD_MODES = Object.keys(POD_MODE_TRANSITIONS) as PodMode[];

/** The healthy kubelet (weight 0). */
export function basePodStages(readyDelayMs = 0): KubeObject[] {
  return stagesOf('pod', { ...POD, weight: 0 }, BASE_LIFECYCLE(readyDelayMs));
}

/** Scenario stages for one pod rule (weight 1: they win over the base lifecycle where they match). */
export function podRuleStages(prefix: string, rule: PodRule, timeScale: number, scenario: string): KubeObject[] {
  const plan = POD_MODE_TRANSITIONS[rule.mode];
  if (!plan) throw new Error(`unknown pod mode ${String(rule.mode)} (one of ${POD_MODES.join(', ')})`);
  const input: ModeInput = { delayMs: scaled(rule.delay, timeScale), periodMs: Math.max(50, scaled(rule.period ?? 30, timeScale)), exitCode: rule.exitCode ?? 1, container: rule.container };
  return stagesOf(prefix, { ...POD, weight: 1, match: rule.match, scenario }, plan(input));
}
