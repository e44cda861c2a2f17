/**
 * What Kafka's console consumer and producer say on stderr when the broker refuses them. The real tools exit 0
 * on authentication, authorization and connection failures and on a missing topic (they log the error and end),
 * so their exit code tells nothing: these are read from their log lines, which the distribution's
 * tools-log4j2 writes to stderr as `[time] LEVEL message (logger)`.
 *
 * A problem is *fatal* when the tool has given up (it logged "terminating consumer process", or an error the
 * client never retries); *persistent* problems (a closed bootstrap port, an unknown topic) are retried by the
 * client for as long as it runs, so a watch stops once they have lasted `PERSISTENT_MS`.
 */

export type KafkaProblemKind = 'authentication' | 'topic-authorization' | 'group-authorization' | 'cluster-authorization' | 'connection' | 'unknown-topic' | 'unresolvable' | 'tls';

export interface KafkaProblem {
  kind: KafkaProblemKind;
  /** One line naming the cause, e.g. "SCRAM-SHA-512 authentication of KafkaUser flink failed". */
  summary: string;
  /** True when the client gave up or never retries it (the tool can be stopped at once). */
  fatal: boolean;
  /** The stderr line that shows it. */
  line: string;
}

/** How long a retried failure (closed port, unknown topic) must last before a watch gives up on it. */
export const PERSISTENT_MS = 4000;

export interface ClientInfo {
  user?: string;
  topic: string;
  group?: string;
  bootstrap: string;
}

const who = (c: ClientInfo) => (c.user ? `KafkaUser ${c.user}` : 'the unauthenticated client');

/** The first problem the lines show (fatal ones before retried ones), or undefined. */
export function kafkaProblem(stderr: string, client: ClientInfo): KafkaProblem | undefined {
  const lines = stderr.split('\n');
  const find = (re: RegExp) => lines.find((l) => re.test(l));
  let line: string | undefined;
  if ((line = find(/SaslAuthenticationException|failed authentication due to|Authentication failed/))) {
    return { kind: 'authentication', fatal: true, line, summary: `SCRAM-SHA-512 authentication of ${who(client)} failed at ${client.bootstrap}: the broker refused its password` };
  }
  if ((line = find(/SslAuthenticationException|SSL handshake failed|PKIX path|No subject alternative/))) {
    return { kind: 'tls', fatal: true, line, summary: `the TLS handshake with ${client.bootstrap} failed` };
  }
  if ((line = find(/TopicAuthorizationException|Not authorized to access topics/))) {
    return { kind: 'topic-authorization', fatal: true, line, summary: `${who(client)} is not authorized on topic ${client.topic} (TopicAuthorizationException)` };
  }
  if ((line = find(/GroupAuthorizationException|Not authorized to access group/))) {
    return { kind: 'group-authorization', fatal: true, line, summary: `${who(client)} is not authorized to use consumer group ${client.group ?? '?'} (GroupAuthorizationException)` };
  }
  if ((line = find(/ClusterAuthorizationException|TransactionalIdAuthorizationException/))) {
    return { kind: 'cluster-authorization', fatal: true, line, summary: `${who(client)} is not authorized to produce to ${client.topic} (${/TransactionalId/.test(line) ? 'TransactionalIdAuthorizationException' : 'ClusterAuthorizationException: the idempotent producer needs Write on the topic'})` };
  }
  if ((line = find(/No resolvable bootstrap urls|UnknownHostException|Couldn't resolve server/))) {
    return { kind: 'unresolvable', fatal: true, line, summary: `the bootstrap address ${client.bootstrap} does not resolve` };
  }
  if ((line = find(/UNKNOWN_TOPIC_OR_PARTITION|UnknownTopicOrPartitionException|not present in metadata/))) {
    return { kind: 'unknown-topic', fatal: /terminating|not present in metadata/.test(stderr), line, summary: `topic ${client.topic} does not exist on the broker` };
  }
  if ((line = find(/could not be established|Connection refused|disconnected \(org\.apache\.kafka\.clients\.NetworkClient\)/))) {
    return { kind: 'connection', fatal: false, line, summary: `no connection to the Kafka bootstrap ${client.bootstrap}` };
  }
  return undefined;
}

/** What to do about a problem (the hint of the failed step). */
export function kafkaHint(p: KafkaProblem, c: ClientInfo & { namespace: string; cluster: string }): string {
  const user = c.user ?? '';
  switch (p.kind) {
    case 'authentication':
      return `The password in Secret ${user} is not the one the broker knows for ${user}: the Strimzi user operator keeps both in step — check KafkaUser ${user} is Ready (kubectl -n ${c.namespace} get kafkauser ${user}) and its operator's log; a Secret edited by hand is overwritten.`;
    case 'tls':
      return `The client does not trust the broker's certificate: the cluster CA (Secret ${c.cluster}-cluster-ca-cert) must sign the listener's certificate for ${c.bootstrap.split(':')[0]}.`;
    case 'topic-authorization':
      return `Give KafkaUser ${user} the ACL on topic ${c.topic} (spec.authorization.acls, from the kafka chart's users) and check it is Ready: kubectl -n ${c.namespace} get kafkauser ${user} -o yaml`;
    case 'group-authorization':
      return `KafkaUser ${user}'s group ACLs do not cover ${c.group ?? 'the group'}: give it Read on a group prefix that does (kubectl -n ${c.namespace} get kafkauser ${user} -o yaml)`;
    case 'cluster-authorization':
      return `Give KafkaUser ${user} Write on topic ${c.topic} (an idempotent producer needs it, or IdempotentWrite on the cluster).`;
    case 'unresolvable':
      return `Is the Service ${c.bootstrap.split(':')[0]} there? kubectl -n ${c.namespace} get svc ${c.cluster}-kafka-bootstrap`;
    case 'unknown-topic':
      return `KafkaTopic ${c.topic} exists but the broker has no such topic: the topic operator did not create it — kubectl -n ${c.namespace} get kafkatopic -o yaml and the entity operator's log.`;
    case 'connection':
      return `Nothing accepts connections at ${c.bootstrap}: check the Kafka resource's listener on that port, Service ${c.cluster}-kafka-bootstrap and the broker pods (kubectl -n ${c.namespace} get kafka,pods -l strimzi.io/cluster=${c.cluster}).`;
  }
}

/** Watches stderr lines as they arrive: true once the tool should be stopped (a fatal problem, or a retried one that lasted). */
export function problemWatcher(client: ClientInfo, now: () => number = Date.now): (line: string) => boolean {
  let text = '';
  let firstPersistent: number | undefined;
  return (line: string) => {
    text += `${line}\n`;
    const p = kafkaProblem(text, client);
    if (!p) return false;
    if (p.fatal) return true;
    firstPersistent ??= now();
    return now() - firstPersistent >= PERSISTENT_MS;
  };
}
