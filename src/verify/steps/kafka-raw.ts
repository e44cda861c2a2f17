/**
 * Step 3, Kafka raw-logs: the marker read back from `raw-logs` by the console consumer that step 2
 * started in a broker pod. When the broker refused the consumer (its stderr says why: the tools exit 0),
 * that is the failure, not Vector.
 */
import { topicState } from '../kafka.js';
import { describeExecFailure } from '../exec.js';
import { snippet } from '../http.js';
import { formatDuration } from '../../duration.js';
import { kafkaHint } from '../kafka-errors.js';
import { awaitWatch, budget, consoleFailure, execFailed, failedWith, RAW_TOPIC, refusedOutcome, type VerifyStep } from './step.js';

export const kafkaRaw: VerifyStep = {
  id: 'kafka',
  title: `kafka ${RAW_TOPIC}`,
  hop: `Vector → Kafka ${RAW_TOPIC}`,
  needs: ['ingest'],
  async run(ctx) {
    if (!ctx.tenant.enabled.kafka) return { status: 'skip', summary: 'kafka.enabled is false in the tenant file' };
    if (ctx.state.brokerError) return failedWith(ctx.state.brokerError, 'Kafka broker pod (exec)');
    const topic = await topicState(ctx.kube, ctx.namespace, RAW_TOPIC);
    if (topic.state === 'missing') {
      return { status: 'fail', summary: `topic ${RAW_TOPIC} does not exist (no KafkaTopic for it in ${ctx.namespace})`, hop: `Kafka topic ${RAW_TOPIC}`, hint: 'The kafka chart declares the topics; check `logclaw status` and the topic operator.' };
    }
    const watch = ctx.state.rawWatch;
    const broker = ctx.state.broker;
    if (!watch || !broker || !ctx.state.ingest) return { status: 'fail', summary: 'the raw-logs consumer was not started', hop: 'Kafka broker pod (exec)' };
    const waitMs = budget(ctx, 1 / 3);
    const r = await awaitWatch(watch, waitMs, ctx.signal);
    const user = ctx.state.rawUser;
    const where = `pod ${broker.pod}, ${broker.bootstrap}${broker.security === 'scram' ? ` SASL_SSL SCRAM-SHA-512 as ${user}` : ' plain'}, group ${ctx.state.rawGroup}`;
    if (r.found) {
      return {
        status: 'pass',
        summary: `marker read back from ${RAW_TOPIC} in ${formatDuration(r.exec.durationMs)}`,
        evidence: [`consumer in ${where}`, `record: ${snippet(r.line ?? '', 160)}`],
      };
    }
    if (execFailed(r.exec)) {
      return {
        status: 'fail',
        summary: consoleFailure('consumer', broker.pod, r.exec),
        hop: `exec into Kafka broker pod ${broker.pod}`,
        evidence: describeExecFailure(r.exec),
        hint: `Check exec works (kubectl -n ${ctx.namespace} exec ${broker.pod} -c ${broker.container} -- ls) and the listener/credentials: ${broker.bootstrap}.`,
      };
    }
    if (r.problem) {
      return refusedOutcome(r.problem, r.exec, `Kafka broker → consumer of ${RAW_TOPIC} (${broker.bootstrap})`, kafkaHint(r.problem, { namespace: ctx.namespace, cluster: broker.cluster, topic: RAW_TOPIC, bootstrap: broker.bootstrap, group: ctx.state.rawGroup, ...(user ? { user } : {}) }), `consumer in ${where}`);
    }
    // the consumer printed other records: it was reading, so the marker is missing; nothing at all: it may not have got its partitions
    const others = r.exec.stdout.split('\n').filter((l) => l.trim()).length;
    return {
      status: 'fail',
      summary: `marker not on ${RAW_TOPIC} within ${formatDuration(waitMs)} (POSTed once, Vector answered 2xx; the consumer reported no error and read ${others ? `${others} other record${others > 1 ? 's' : ''}` : 'no record'})`,
      hop: `Vector → Kafka ${RAW_TOPIC}`,
      evidence: [`consumer in ${where}`, ...(topic.state === 'present' && topic.ready === false ? [`KafkaTopic ${topic.resource}: ${topic.message}`] : [])],
      hint: `Vector accepted the log but did not deliver it: look for Kafka sink errors in its logs (kubectl -n ${ctx.namespace} logs -l logclaw.io/component=ingestion) — bootstrap, listener and credentials must match the environment.${others ? '' : ' The consumer read nothing at all: if it had too little time to join its group, give verify more --timeout.'}`,
    };
  },
};
