/**
 * Known problems of a LogClaw stack, recognised from what the cluster shows (pod states, log lines, scheduler
 * events, CR conditions, helm errors), each with the fix. Pure matchers over the evidence diagnosis collected.
 */

export interface Evidence {
  /** The awaited object that is not ready (Kind namespace/name). */
  object: string;
  kind: string;
  name: string;
  /** Pod, container and what happened to it. */
  pod?: string;
  podLabels?: Record<string, string>;
  container?: string;
  /** CrashLoopBackOff, ImagePullBackOff, OOMKilled, Unschedulable, Error... */
  reason?: string;
  message?: string;
  memoryLimit?: string;
  logs?: string;
  /** Scheduler or operator events (messages). */
  events?: string[];
  /** Labels of the cluster's nodes (for zone problems). */
  nodeLabels?: Array<Record<string, string>>;
  /** helm/helmfile stderr when an install failed. */
  helmError?: string;
  /** Served versions of the CRD named in a helm error. */
  crdServedVersions?: string[];
}

export interface KnownProblem {
  id: string;
  title: string;
  /** What to do, exactly. */
  fix: string;
}

interface Matcher {
  id: string;
  title: string;
  match: (e: Evidence) => boolean;
  fix: (e: Evidence) => string;
}

const text = (e: Evidence) => [e.message ?? '', e.logs ?? '', ...(e.events ?? [])].join('\n');
const component = (e: Evidence) => e.podLabels?.component ?? e.podLabels?.['app.kubernetes.io/component'] ?? '';
const isAirflow = (e: Evidence) => /airflow/i.test(`${e.pod ?? ''} ${e.podLabels?.release ?? ''} ${e.podLabels?.tier ?? ''} ${e.object}`);

const matchers: Matcher[] = [
  {
    id: 'strimzi-crds-outdated',
    title: 'Strimzi CRDs older than the operator',
    match: (e) =>
      /no matches for kind "Kafka\w*" in version "kafka\.strimzi\.io\/v1"/.test(e.helmError ?? '') ||
      (!!e.crdServedVersions && /kafka\.strimzi\.io/.test(e.helmError ?? '') && !e.crdServedVersions.includes('v1')) ||
      /(UnrecognizedPropertyException|Unrecognized field).*(Kafka|strimzi)/i.test(text(e)),
    fix: () =>
      'the cluster has Strimzi CRDs from an older release (they do not serve kafka.strimzi.io/v1, which the Strimzi 0.50.1 operator and logclaw-kafka use); helm never upgrades CRDs. Refresh them: `logclaw operators install --kube-context <ctx>` (applies the CRDs the operator chart ships, server-side)',
  },
  {
    id: 'airflow-waiting-for-migrations',
    title: 'Airflow scheduler waiting for database migrations',
    match: (e) =>
      isAirflow(e) &&
      (/wait-for-airflow-migrations/.test(e.container ?? '') || /unapplied migrations|waiting for migrations|check-migrations|There are still unapplied migrations/i.test(text(e))),
    fix: () =>
      'the migrations Job (run-airflow-migrations) has not completed, so the scheduler and webserver wait forever. Check it: `kubectl logs job/<release>-run-airflow-migrations -n <ns>`; it needs the metadata database to be reachable. When installed without helm hooks (Argo CD), keep `airflow.migrateDatabaseJob.useHelmHooks: false` so the Job is a normal resource',
  },
  {
    id: 'airflow-webserver-oomkilled',
    title: 'Airflow webserver OOMKilled',
    match: (e) => isAirflow(e) && e.reason === 'OOMKilled' && /webserver|api-server/.test(`${component(e)} ${e.container ?? ''} ${e.pod ?? ''}`),
    fix: (e) =>
      `the webserver's gunicorn workers need about 400 MiB each and its limit is ${e.memoryLimit ?? 'too low'}: raise airflow.webserver.resources.limits.memory to 2Gi in the tenant file (or set AIRFLOW__WEBSERVER__WORKERS=2), then \`logclaw upgrade\``,
  },
  {
    id: 'pending-no-zone-labels',
    title: 'Pods pending: nodes have no zone labels',
    match: (e) =>
      e.reason === 'Unschedulable' &&
      /topology spread|didn't match pod topology|volume node affinity|no available volume zone|zone/i.test(text(e)) &&
      (e.nodeLabels ?? []).length > 0 &&
      (e.nodeLabels ?? []).every((l) => !l['topology.kubernetes.io/zone']),
    fix: () =>
      'the charts spread pods across zones (topology.kubernetes.io/zone) and no node has that label. On kind: `logclaw dev down --delete-cluster && logclaw dev up` (logclaw creates the nodes with zone labels); elsewhere: `kubectl label node <node> topology.kubernetes.io/zone=<zone>` for every node',
  },
  {
    id: 'opensearch-cluster-manager-not-discovered',
    title: 'OpenSearch cluster_manager_not_discovered',
    match: (e) => /cluster_manager_not_discovered|master_not_discovered|ClusterManagerNotDiscoveredException|MasterNotDiscoveredException/i.test(text(e)),
    fix: () =>
      'the OpenSearch nodes never elected a cluster manager: cluster.initial_cluster_manager_nodes must name the cluster-manager pods and a majority of them must be up. With the operator, run 3 cluster_manager replicas (tier ha); in dev logclaw-opensearch runs a single node with discovery.type=single-node — if the PVC holds state from an earlier multi-node cluster, delete it: `kubectl delete pvc -l app.kubernetes.io/name=opensearch -n <ns>` (data loss in dev only)',
  },
  {
    id: 'opensearch-auth-failing',
    title: 'OpenSearch authentication failing',
    match: (e) =>
      /opensearch|dashboards/i.test(`${e.object} ${e.pod ?? ''}`) &&
      /Authentication finally failed|security_exception|Unauthorized|401|OpenSearch Security not initialized|no permissions for/i.test(text(e)),
    fix: () =>
      'a client uses credentials OpenSearch does not accept: the admin/dashboards password in the tenant Secret differs from the one in the security index (initialised on first start). In dev: `logclaw dev credentials` shows the expected one; re-initialise with `logclaw dev down && logclaw dev up` (dev data only). Elsewhere: rotate the secret in the secret store and re-run securityadmin via the operator (change spec.security.config.adminCredentialsSecret)',
  },
  {
    id: 'vector-cannot-reach-kafka',
    title: 'Vector unable to reach Kafka',
    match: (e) =>
      /vector|ingestion/i.test(`${e.object} ${e.pod ?? ''} ${e.container ?? ''}`) &&
      /kafka/i.test(text(e)) &&
      /BrokerTransportFailure|Connection refused|connect.*(failed|refused)|Failed to (create|connect)|all brokers down|SSL handshake failed|Disconnected/i.test(text(e)),
    fix: () =>
      'Vector cannot open a connection to the Kafka bootstrap: in dev the Strimzi Kafka has no plain listener on 9092 unless the kafka chart enables it. Use the listener the kafka chart renders for the environment (dev: plain 9092, else tls 9093 with the KafkaUser secret) — check `kubectl get kafka -n <ns> -o jsonpath={.items[0].status.listeners}` against ingestion.kafka.bootstrapServers',
  },
  {
    id: 'image-pull',
    title: 'Image cannot be pulled',
    match: (e) => /ImagePullBackOff|ErrImagePull|InvalidImageName/.test(e.reason ?? ''),
    fix: (e) =>
      `check that the image exists and the tag is right${e.message ? ` (${e.message})` : ''}; air-gapped: push it to the mirror named in global.imageRegistry; on kind: \`docker pull <image> && kind load docker-image <image> --name <cluster>\``,
  },
  {
    id: 'oomkilled',
    title: 'Container OOMKilled',
    match: (e) => e.reason === 'OOMKilled',
    fix: (e) => `the container used more memory than its limit (${e.memoryLimit ?? 'unset'}): raise resources.limits.memory for it in the tenant file (or move the tenant to a larger tier), then \`logclaw upgrade\``,
  },
  {
    id: 'helm-pending-operation',
    title: 'Helm release locked by an interrupted operation',
    match: (e) => /another operation \(install\/upgrade\/rollback\) is in progress/.test(e.helmError ?? ''),
    fix: () => 're-run the same logclaw command: it detects releases left pending-install/pending-upgrade by an interrupted run and recovers them',
  },
  {
    id: 'helm-immutable-field',
    title: 'Upgrade changes an immutable field',
    match: (e) => /field is immutable|spec\.selector.*immutable|Forbidden: updates to statefulset spec/.test(e.helmError ?? ''),
    fix: () => 'the upgrade changes a field Kubernetes does not allow to change in place (selector, volumeClaimTemplates…): use `logclaw upgrade`, which plans the replacement and refuses to lose data',
  },
];

/** Every known problem the evidence shows, most specific first. */
export function recognise(e: Evidence): KnownProblem[] {
  const found: KnownProblem[] = [];
  for (const m of matchers) {
    if (m.match(e)) found.push({ id: m.id, title: m.title, fix: m.fix(e) });
  }
  // a specific OOM / pull problem makes the generic one redundant
  if (found.some((f) => f.id === 'airflow-webserver-oomkilled')) return found.filter((f) => f.id !== 'oomkilled');
  return found;
}

export const knownProblemIds = (): string[] => matchers.map((m) => m.id);
