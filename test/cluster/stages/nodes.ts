// Fake nodes (annotated for kwok) and the stages that keep them Ready.
import type { KubeObject } from '../lib/kube.ts';
import { stage } from './common.ts';

const NODE = { apiGroup: 'v1', kind: 'Node' };

const conditionsTemplate = `conditions:
{{ range NodeConditions }}
- lastHeartbeatTime: {{ $now | Quote }}
  lastTransitionTime: {{ $lastTransitionTime | Quote }}
  message: {{ .message | Quote }}
  reason: {{ .reason | Quote }}
  status: {{ .status | Quote }}
  type: {{ .type | Quote }}
{{ end }}`;

export function nodeStages(): KubeObject[] {
  return [
    stage({
      name: 'node-initialize', ...NODE, weight: 0,
      exprs: [{ key: '.status.conditions.[] | select( .type == "Ready" ) | .status', operator: 'NotIn', values: ['True'] }],
      steps: [{ status: `{{ $now := Now }}
{{ $lastTransitionTime := or .metadata.creationTimestamp $now }}
${conditionsTemplate}
{{ with NodePort }}
daemonEndpoints:
  kubeletEndpoint:
    Port: {{ . }}
{{ end }}
phase: Running
` }],
    }),
    stage({
      name: 'node-heartbeat', ...NODE, weight: 0, delayMs: 60_000,
      exprs: [{ key: '.status.conditions.[] | select( .type == "Ready" ) | .status', operator: 'In', values: ['True'] }],
      steps: [{ status: `{{ $now := Now }}
{{ $lastTransitionTime := or .metadata.creationTimestamp $now }}
${conditionsTemplate}
` }],
    }),
  ];
}

export interface NodeResources { cpu: string; memory: string; pods: string; 'ephemeral-storage': string }

export const DEFAULT_NODE_RESOURCES: NodeResources = { cpu: '16', memory: '64Gi', pods: '110', 'ephemeral-storage': '200Gi' };

/** kind's worker names: <cluster>-worker, <cluster>-worker2, ... */
export function workerNames(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}-worker${i === 0 ? '' : i + 1}`);
}

/**
 * Fake nodes; zones are assigned round-robin. A node named *-control-plane gets kind's control-plane
 * label, and its NoSchedule taint when there are other nodes.
 */
export function nodeObjects(names: string[], zones: string[], kubeletVersion: string, res: NodeResources = DEFAULT_NODE_RESOURCES): KubeObject[] {
  return names.map((name, i) => {
    const zone = zones[i % zones.length]!;
    const controlPlane = name.endsWith('-control-plane');
    return {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name,
        annotations: { 'kwok.x-k8s.io/node': 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
        labels: {
          'kubernetes.io/hostname': name,
          'kubernetes.io/os': 'linux',
          'kubernetes.io/arch': 'amd64',
          'beta.kubernetes.io/os': 'linux',
          'beta.kubernetes.io/arch': 'amd64',
          'topology.kubernetes.io/zone': zone,
          'topology.kubernetes.io/region': 'sim',
          'node.kubernetes.io/instance-type': 'sim',
          type: 'kwok',
          ...(controlPlane ? { 'node-role.kubernetes.io/control-plane': '' } : {}),
        },
      },
      spec: {
        podCIDR: `10.244.${i}.0/24`, podCIDRs: [`10.244.${i}.0/24`],
        ...(controlPlane && names.length > 1 ? { taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] } : {}),
      },
      status: {
        allocatable: { ...res },
        capacity: { ...res },
        addresses: [{ type: 'InternalIP', address: '127.0.0.1' }, { type: 'Hostname', address: name }],
        nodeInfo: {
          architecture: 'amd64', operatingSystem: 'linux', osImage: 'logclaw-sim (kwok)', kernelVersion: 'kwok-v0.8.0',
          containerRuntimeVersion: 'kwok://v0.8.0', kubeletVersion, kubeProxyVersion: kubeletVersion,
          bootID: '', machineID: '', systemUUID: '',
        },
      },
    };
  });
}
