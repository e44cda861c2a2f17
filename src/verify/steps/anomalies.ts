/**
 * Step 5, anomalies: a synthetic anomaly event produced to `anomaly-events` and read back, both with
 * console clients exec'd in a broker pod under the credentials whose ACLs allow it.
 */
import type { IncidentSeverity } from '../../tenant/types.js';
import { describeExecFailure } from '../exec.js';
import { snippet } from '../http.js';
import { credentialsFor, findBroker, producerCommand, topicState, watchTopic, type Broker, type KafkaCredentials } from '../kafka.js';
import { formatDuration } from '../../duration.js';
import type { TenantInfo } from '../tenant.js';
import type { StepOutcome } from '../types.js';
import { kafkaHint, kafkaProblem, problemWatcher } from '../kafka-errors.js';
import { ANOMALY_TOPIC, awaitWatch, budget, consoleFailure, consumerGroup, EXEC_OPEN_WAIT_MS, execFailed, failedWith, refusedOutcome, sleep, type VerifyEnv, type VerifyStep } from './step.js';

/** The severity of the synthetic anomaly: the mildest one the tenant routes somewhere (else low). */
export function anomalySeverity(tenant: Pick<TenantInfo, 'routing'>): IncidentSeverity {
  const order: IncidentSeverity[] = ['low', 'medium', 'high', 'critical'];
  return order.find((s) => tenant.routing[s].length > 0) ?? 'low';
}

export function anomalyEvent(env: Pick<VerifyEnv, 'marker' | 'tenant'>, severity: IncidentSeverity): Record<string, unknown> {
  return {
    type: 'anomaly',
    marker: env.marker,
    tenant: env.tenant.id,
    severity,
    service: 'logclaw-verify',
    message: `logclaw verify synthetic anomaly ${env.marker}`,
    score: 0.99,
    synthetic: true,
    timestamp: new Date().toISOString(),
  };
}

export const anomalies: VerifyStep = {
  id: 'anomalies',
  title: `anomalies ${ANOMALY_TOPIC}`,
  hop: `Kafka ${ANOMALY_TOPIC}`,
  async run(ctx) {
    if (!ctx.tenant.enabled.kafka) return { status: 'skip', summary: 'kafka.enabled is false in the tenant file' };
    let broker: Broker;
    try {
      broker = ctx.state.broker ??= await findBroker(ctx.kube, ctx.namespace, ctx.tenant.environment);
    } catch (e) {
      return failedWith(e, 'Kafka broker pod (exec)');
    }
    const topic = await topicState(ctx.kube, ctx.namespace, ANOMALY_TOPIC);
    if (topic.state === 'missing') {
      return {
        status: 'fail',
        summary: `topic ${ANOMALY_TOPIC} does not exist (no KafkaTopic for it in ${ctx.namespace})`,
        hop: `Kafka topic ${ANOMALY_TOPIC}`,
        hint: 'The kafka chart declares the topics: check that the KafkaTopic was rendered and is Ready (logclaw status).',
      };
    }
    let readCreds: KafkaCredentials | undefined;
    let writeCreds: KafkaCredentials | undefined;
    try {
      readCreds = await credentialsFor(ctx.kube, ctx.namespace, broker, ANOMALY_TOPIC, 'Read');
      writeCreds = await credentialsFor(ctx.kube, ctx.namespace, broker, ANOMALY_TOPIC, 'Write');
    } catch (e) {
      return failedWith(e, `Kafka credentials for ${ANOMALY_TOPIC}`);
    }
    const severity = anomalySeverity(ctx.tenant);
    const group = consumerGroup(readCreds?.groupPrefix, `anomaly-${ctx.marker}`);
    const waitMs = budget(ctx, 1 / 2);
    const watch = watchTopic(ctx.sessions, ctx.namespace, broker, ANOMALY_TOPIC, ctx.marker, group, waitMs, readCreds, ctx.signal);
    const event = JSON.stringify(anomalyEvent(ctx, severity));
    const where = `producer${writeCreds ? ` as ${writeCreds.user}` : ''} and consumer${readCreds ? ` as ${readCreds.user}` : ''} in pod ${broker.pod} (${broker.bootstrap}, group ${group})`;
    const context = { namespace: ctx.namespace, cluster: broker.cluster, topic: ANOMALY_TOPIC, bootstrap: broker.bootstrap };
    let producerFailure: StepOutcome | undefined;
    // a producer still running once the event is read back is closed (it waits for the end of its input)
    const producing = new AbortController();
    const producerClient = { topic: ANOMALY_TOPIC, bootstrap: broker.bootstrap, ...(writeCreds ? { user: writeCreds.user } : {}) };
    const refused = problemWatcher(producerClient);
    const produce = async () => {
      const r = await ctx.sessions.run({
        namespace: ctx.namespace,
        pod: broker.pod,
        container: broker.container,
        command: producerCommand(broker, ANOMALY_TOPIC, Math.min(30_000, ctx.remaining()), writeCreds),
        secrets: writeCreds?.secrets,
        stdin: `${event}\n`,
        signal: AbortSignal.any([ctx.signal, producing.signal]),
        timeoutMs: Math.min(30_000, ctx.remaining()) + 2000,
        onErrLine: refused,
      });
      // the real producer exits 0 when the broker refuses it: its stderr says so
      const problem = kafkaProblem(r.stderr, producerClient);
      if (!execFailed(r) && problem && !producing.signal.aborted) {
        producerFailure ??= refusedOutcome(problem, r, `produce to ${ANOMALY_TOPIC} (${broker.bootstrap})`, kafkaHint(problem, { ...context, ...producerClient }), where);
        watch.stop();
      } else if (execFailed(r)) {
        producerFailure ??= {
          status: 'fail',
          summary: consoleFailure('producer', broker.pod, r),
          hop: `produce to ${ANOMALY_TOPIC} (exec into Kafka broker pod ${broker.pod})`,
          evidence: describeExecFailure(r),
          hint: `Check that topic ${ANOMALY_TOPIC} exists and that the producer may write it (${broker.bootstrap}).`,
        };
        watch.stop();
      }
    };
    // once the consumer's command runs, the event is produced once (the consumer reads back to before it started)
    await Promise.race([watch.opened, sleep(EXEC_OPEN_WAIT_MS, ctx.signal)]);
    const produced = produce();
    const r = await awaitWatch(watch, waitMs, ctx.signal);
    if (!r.found) await Promise.race([produced, sleep(5000, ctx.signal)]);
    producing.abort();
    if (r.found) {
      ctx.state.anomaly = { severity, seen: true };
      return {
        status: 'pass',
        summary: `anomaly event (severity ${severity}) produced and read back`,
        evidence: [where, `record: ${snippet(r.line ?? '', 160)}`],
      };
    }
    if (producerFailure) return producerFailure;
    if (execFailed(r.exec)) {
      return {
        status: 'fail',
        summary: consoleFailure('consumer', broker.pod, r.exec),
        hop: `read ${ANOMALY_TOPIC} (exec into Kafka broker pod ${broker.pod})`,
        evidence: describeExecFailure(r.exec),
      };
    }
    if (r.problem) {
      return refusedOutcome(r.problem, r.exec, `Kafka broker → consumer of ${ANOMALY_TOPIC} (${broker.bootstrap})`, kafkaHint(r.problem, { ...context, group, ...(readCreds ? { user: readCreds.user } : {}) }), where);
    }
    // other records read: the consumer was reading and the event is missing; none: it may not have got its partitions
    const others = r.exec.stdout.split('\n').filter((l) => l.trim()).length;
    return {
      status: 'fail',
      summary: `the anomaly event was produced but not read back from ${ANOMALY_TOPIC} within ${formatDuration(waitMs)} (the consumer read ${others ? `${others} other record${others > 1 ? 's' : ''}` : 'no record'})`,
      hop: `Kafka ${ANOMALY_TOPIC}`,
      evidence: [`${where}, produced once; neither tool reported an error`],
      hint: `Check the topic's partitions are online: kubectl -n ${ctx.namespace} get kafkatopic; logclaw status --tenant ${ctx.tenant.id}${others ? '' : '. The consumer read nothing at all: if it had too little time to join its group, give verify more --timeout.'}`,
    };
  },
};

