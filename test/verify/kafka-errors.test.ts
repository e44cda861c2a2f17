// How verify reads the console tools' stderr: which refusals stop a tool at once, which only once they lasted,
// and that a normal end (the --timeout-ms TimeoutException) is no problem. The lines are the shapes Kafka 4.1.1's
// tools print (kafka-broker.test.ts checks the real tools against a real broker).
import { describe, expect, it } from 'vitest';
import { kafkaHint, kafkaProblem, PERSISTENT_MS, problemWatcher } from '../../src/verify/kafka-errors.js';

const client = { user: 'flink', topic: 'raw-logs', group: 'logclaw-flink-verify-raw-x', bootstrap: 'logclaw-kafka-bootstrap:9093' };
const refused = '[2026-12-07 04:01:41,042] WARN [Consumer clientId=console-consumer, groupId=g] Connection to node -1 (logclaw-kafka-bootstrap/127.0.0.3:9093) could not be established. Node may not be available. (org.apache.kafka.clients.NetworkClient)';

describe('console tool stderr', () => {
  it('a normal end of the console consumer is no problem', () => {
    const end = '[2026-12-07 04:02:47,758] ERROR Error processing message, terminating consumer process:  (org.apache.kafka.tools.consumer.ConsoleConsumer)\norg.apache.kafka.common.errors.TimeoutException: null\nProcessed a total of 0 messages\n';
    expect(kafkaProblem(end, client)).toBeUndefined();
  });

  it('an authorization refusal stops at once; a refused connection only once it lasted', () => {
    let now = 0;
    const watch = problemWatcher(client, () => now);
    expect(watch('org.apache.kafka.common.errors.GroupAuthorizationException: Not authorized to access group: other')).toBe(true);
    const conn = problemWatcher(client, () => now);
    expect(conn(refused)).toBe(false);
    now = PERSISTENT_MS - 1;
    expect(conn(refused)).toBe(false);
    now = PERSISTENT_MS;
    expect(conn(refused)).toBe(true);
  });

  it('names the user, topic and group in the summary and the hint', () => {
    const p = kafkaProblem('org.apache.kafka.common.errors.TopicAuthorizationException: Not authorized to access topics: [raw-logs]', client)!;
    expect(p.summary).toBe('KafkaUser flink is not authorized on topic raw-logs (TopicAuthorizationException)');
    expect(kafkaHint(p, { ...client, namespace: 'logclaw-a', cluster: 'logclaw' })).toContain('kubectl -n logclaw-a get kafkauser flink -o yaml');
    const g = kafkaProblem('Not authorized to access group: logclaw-flink-verify-raw-x', client)!;
    expect(g.summary).toContain('consumer group logclaw-flink-verify-raw-x');
  });
});
