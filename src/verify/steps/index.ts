/**
 * The six steps of `logclaw verify`, in pipeline order, one file each over the step type of ./step.ts.
 * Each returns pass / fail / skip with evidence; on failure it names the hop that broke and what to do.
 */
import { anomalies } from './anomalies.js';
import { componentsReady } from './components.js';
import { ingest } from './ingest.js';
import { kafkaRaw } from './kafka-raw.js';
import { opensearch } from './opensearch.js';
import type { VerifyStep } from './step.js';
import { ticketing } from './ticketing.js';

export { ANOMALY_TOPIC, consumerGroup, EXEC_OPEN_WAIT_MS, RAW_TOPIC, type VerifyEnv, type VerifyState, type VerifyStep } from './step.js';
export { componentOf, componentsReady, TENANT_KINDS, tenantObjects } from './components.js';
export { envReference, ingest, markerLog, vectorHttpPath, vectorHttpSource, type VectorHttpSource } from './ingest.js';
export { kafkaRaw } from './kafka-raw.js';
export { LOGS_INDEX, markerQuery, opensearch } from './opensearch.js';
export { anomalies, anomalyEvent, anomalySeverity } from './anomalies.js';
export { healthPath, INCIDENTS_PATH, incidentFor, routedPlatforms, ticketing } from './ticketing.js';

export const STEPS: VerifyStep[] = [componentsReady, ingest, kafkaRaw, opensearch, anomalies, ticketing];
