/**
 * Capacity on made-up renders and nodes: requests read from workloads and operator resources, placement under the
 * tiers' zone spread, shortfalls by resource and zone, docker's memory on kind, the nodes of one shape a fleet needs.
 */
import { describe, expect, it } from 'vitest';
import { checkCapacity, demandOf, nodesFrom, nodesNeeded, parseNodeShape, podResources, type NodeCapacity } from '../../src/capacity/index.js';
import { grows } from '../../src/lifecycle/capacity.js';

const GiB = 1024 ** 3;
const deployment = (name: string, replicas: number, cpu: string, memory: string, spread = false) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name },
  spec: {
    replicas,
    template: {
      spec: {
        ...(spread ? { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule' }] } : {}),
        containers: [{ name: 'c', resources: { requests: { cpu, memory }, limits: { cpu, memory } } }],
      },
    },
  },
});
const node = (name: string, zone: string, cpu: number, memGi: number): NodeCapacity => ({ name, zone, allocatable: { cpu, memory: memGi * GiB, pods: 110 }, requested: { cpu: 0, memory: 0, pods: 0 } });

describe('capacity: demand', () => {
  it('sums containers, takes the largest init container when larger, counts a limit without a request as the request', () => {
    const r = podResources({
      containers: [{ resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } } }, { resources: { limits: { cpu: '500m', memory: '1Gi' } } }],
      initContainers: [{ resources: { requests: { cpu: '2', memory: '128Mi' } } }],
    });
    expect(r.requests).toEqual({ cpu: 2, memory: 1280 * 1024 ** 2 });
    expect(r.limits).toEqual({ cpu: 1.5, memory: 1536 * 1024 ** 2 });
  });

  it('reads StatefulSet claims, Strimzi node pools, OpenSearch node pools and Flink managers', () => {
    const d = demandOf({
      tenant: 'acme',
      values: { global: { tier: 'ha' } },
      releases: [
        { name: 'kafka', objects: [{ apiVersion: 'kafka.strimzi.io/v1', kind: 'KafkaNodePool', metadata: { name: 'broker' }, spec: { replicas: 3, resources: { requests: { cpu: '1', memory: '4Gi' } }, storage: { type: 'jbod', volumes: [{ type: 'persistent-claim', size: '100Gi', class: 'gp3' }] } } }] },
        { name: 'opensearch', objects: [{ apiVersion: 'opensearch.opster.io/v1', kind: 'OpenSearchCluster', metadata: { name: 'os' }, spec: { nodePools: [{ component: 'nodes', replicas: 3, diskSize: '50Gi', resources: { requests: { cpu: '2', memory: '8Gi' } } }] } }] },
        { name: 'flink', objects: [{ apiVersion: 'flink.apache.org/v1beta1', kind: 'FlinkDeployment', metadata: { name: 'f' }, spec: { jobManager: { resource: { cpu: 1, memory: '2Gi' } }, taskManager: { resource: { cpu: 2, memory: '4Gi' } }, flinkConfiguration: { 'taskmanager.numberOfTaskSlots': '2' }, job: { parallelism: 4 } } }] },
        { name: 'airflow', objects: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'pg' }, spec: { replicas: 1, template: { spec: { containers: [{ resources: { requests: { cpu: '100m', memory: '256Mi' } } }] } }, volumeClaimTemplates: [{ spec: { resources: { requests: { storage: '8Gi' } } } }] } }] },
      ],
    });
    expect(d.tier).toBe('ha');
    expect(d.workloads.map((w) => [w.component, w.name, w.replicas, w.requests.cpu, w.requests.memory / GiB, w.storage])).toEqual([
      ['airflow', 'StatefulSet pg', 1, 0.1, 0.25, [{ storageClass: '', bytes: 8 * GiB }]],
      ['flink', 'FlinkDeployment f jobmanager', 1, 1, 2, []],
      ['flink', 'FlinkDeployment f taskmanager', 2, 2, 4, []],
      ['kafka', 'KafkaNodePool broker', 3, 1, 4, [{ storageClass: 'gp3', bytes: 100 * GiB }]],
      ['opensearch', 'OpenSearchCluster os pool nodes', 3, 2, 8, [{ storageClass: '', bytes: 50 * GiB }]],
    ]);
  });
});

describe('capacity: fit', () => {
  const tenant = (tier: string, ...objects: object[]) => demandOf({ tenant: 't', values: { global: { tier } }, releases: [{ name: 'x', objects }] });

  it('a tenant that fits; the same one on fewer zones than its tier needs is refused with the zones named', () => {
    const three = [node('a1', 'a', 4, 8), node('b1', 'b', 4, 8), node('c1', 'c', 4, 8)];
    const ha = tenant('ultra-ha', deployment('api', 3, '1', '2Gi', true));
    expect(checkCapacity([ha], { cluster: { context: 'k', nodes: three, storageClasses: [] } }).fits).toBe(true);
    const two = [node('a1', 'a', 8, 16), node('b1', 'b', 8, 16)];
    const r = checkCapacity([ha], { cluster: { context: 'k', nodes: two, storageClasses: [] } });
    expect(r.fits).toBe(false);
    expect(r.fit![0]!.shortfalls.map((s) => s.message)).toEqual(["x: Deployment api (3 replicas, tier ultra-ha) needs 3 zones; the cluster's schedulable nodes are in 2 (a, b)"]);
  });

  it('memory short by one pod: names the resource, the zone and by how much', () => {
    const nodes = [node('a1', 'a', 8, 4), node('b1', 'b', 8, 4), node('c1', 'c', 8, 2.5)];
    const r = checkCapacity([tenant('ha', deployment('api', 6, '500m', '1536Mi', true))], { cluster: { context: 'k', nodes, storageClasses: [] } });
    expect(r.fits).toBe(false);
    const s = r.fit![0]!.shortfalls;
    expect(s).toHaveLength(1);
    expect(s[0]!.zone).toBe('c');
    expect(s[0]!.resources).toEqual([{ resource: 'memory', needed: 1.5 * GiB, largestFree: 1 * GiB, short: 0.5 * GiB }]);
    expect(s[0]!.message).toBe('x: Deployment api needs 500m CPU and 1.5Gi per pod; memory short by 512Mi (at most 1Gi free on a node in zone c)');
  });

  it('counts what pods already request, skips tainted, cordoned and not-ready nodes', () => {
    const n = (name: string, o: object = {}) => ({ apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'topology.kubernetes.io/zone': 'a' } }, spec: {}, status: { allocatable: { cpu: '4', memory: '8Gi', pods: '110' }, conditions: [{ type: 'Ready', status: 'True' }] }, ...o });
    const nodes = nodesFrom(
      [n('ok'), n('cp', { spec: { taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] } }), n('cordoned', { spec: { unschedulable: true } }), n('down', { status: { allocatable: { cpu: '4' }, conditions: [{ type: 'Ready', status: 'False' }] } })],
      [{ spec: { nodeName: 'ok', containers: [{ resources: { requests: { cpu: '1500m', memory: '3Gi' } } }] }, status: { phase: 'Running' } }, { spec: { nodeName: 'ok', containers: [{ resources: { requests: { cpu: '1' } } }] }, status: { phase: 'Succeeded' } }],
    );
    expect(nodes).toEqual([{ name: 'ok', zone: 'a', allocatable: { cpu: 4, memory: 8 * GiB, pods: 110 }, requested: { cpu: 1.5, memory: 3 * GiB, pods: 1 } }]);
  });

  it("on kind, docker's memory bounds every node together", () => {
    const nodes = [node('w1', 'a', 16, 64), node('w2', 'b', 16, 64)];
    const r = checkCapacity([tenant('standard', deployment('a', 1, '1', '3Gi'), deployment('b', 1, '1', '3Gi'))], { cluster: { context: 'kind-x', nodes, storageClasses: [], dockerMemory: 4 * GiB } });
    expect(r.fits).toBe(false);
    expect(r.fit![0]!.shortfalls[0]!.message).toBe("memory: docker's engine has 4Gi (as doctor reads it) for every kind node; 0Mi is requested already and tenant t requests 6Gi: short by 2Gi");
  });

  it('a storage class the cluster lacks is a shortfall', () => {
    const sts = { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db' }, spec: { replicas: 1, template: { spec: { containers: [{}] } }, volumeClaimTemplates: [{ spec: { storageClassName: 'fast', resources: { requests: { storage: '1Gi' } } } }] } };
    const r = checkCapacity([tenant('standard', sts)], { cluster: { context: 'k', nodes: [node('a', 'a', 1, 1)], storageClasses: ['standard'], defaultStorageClass: 'standard' } });
    expect(r.fit![0]!.shortfalls.map((s) => s.message)).toEqual(['storage: the cluster has no StorageClass fast (it has standard); its volumes would stay Pending']);
  });

  it('offline: the nodes of one shape a fleet needs, over the zones its tiers need; a pod larger than the shape is named', () => {
    const shape = parseNodeShape('8,32Gi')!;
    expect(shape).toEqual({ cpu: 8, memory: 32 * GiB, pods: 110 });
    const plan = nodesNeeded([tenant('ultra-ha', deployment('api', 5, '2', '10Gi', true)), tenant('standard', deployment('one', 1, '1', '1Gi'))], shape);
    // 5 replicas over 3 zones: 2,2,1; each node holds 3 of 10Gi → one node per zone
    expect(plan).toEqual({ shape, zones: { 'zone-a': 1, 'zone-b': 1, 'zone-c': 1 }, nodes: 3, tooLarge: [] });
    const big = nodesNeeded([tenant('standard', deployment('huge', 1, '16', '8Gi'))], shape);
    expect(big.tooLarge).toEqual(['t: x Deployment huge needs 16 CPU and 8Gi per pod, more than a node of 8 CPU / 32Gi']);
    expect(parseNodeShape('8')).toBeUndefined();
  });

  it('an upgrade grows when a workload gets more replicas or larger requests, not when it shrinks', () => {
    const before = tenant('ha', deployment('api', 3, '1', '1Gi'));
    expect(grows(tenant('ha', deployment('api', 3, '1', '1Gi')), before)).toBe(false);
    expect(grows(tenant('ha', deployment('api', 2, '1', '1Gi')), before)).toBe(false);
    expect(grows(tenant('ha', deployment('api', 4, '1', '1Gi')), before)).toBe(true);
    expect(grows(tenant('ha', deployment('api', 3, '1', '2Gi')), before)).toBe(true);
    expect(grows(tenant('ha', deployment('api', 3, '1', '1Gi'), deployment('new', 1, '1', '1Gi')), before)).toBe(true);
  });
});
