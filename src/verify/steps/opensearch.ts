/**
 * Step 4, OpenSearch: the marker found in `logclaw-logs-*` (skipped when no Flink job indexes logs, as
 * in dev); the marker documents are deleted at the end unless --keep-data.
 */
import type { KubeObject } from '../../kube-object.js';
import { httpCall, isOk, snippet } from '../http.js';
import { listKind, preferredVersion } from '../kafka.js';
import { formatDuration } from '../../duration.js';
import { budget, errText, forwardTo, sleep, type Ctx, type VerifyStep } from './step.js';

export const LOGS_INDEX = 'logclaw-logs-*';

async function opensearchAuth(ctx: Ctx): Promise<{ username: string; password: string } | undefined> {
  if (ctx.tenant.environment === 'dev') return undefined;
  const s = await ctx.kube.api.get<KubeObject & { data?: Record<string, string> }>({ apiVersion: 'v1', kind: 'Secret', namespace: ctx.namespace, name: 'logclaw-opensearch-admin' });
  const d = s?.data ?? {};
  if (!d.username || !d.password) return undefined;
  return { username: Buffer.from(d.username, 'base64').toString(), password: Buffer.from(d.password, 'base64').toString() };
}

/** The marker is in the log's message by construction (markerLog), whatever fields the ETL keeps. */
export const markerQuery = (marker: string) => ({ query: { match_phrase: { message: marker } } });

export const opensearch: VerifyStep = {
  id: 'opensearch',
  title: 'opensearch logclaw-logs-*',
  hop: `Kafka → Flink → OpenSearch ${LOGS_INDEX}`,
  needs: ['ingest'],
  async run(ctx) {
    if (!ctx.tenant.enabled.opensearch) return { status: 'skip', summary: 'opensearch.enabled is false in the tenant file' };
    if (!ctx.tenant.enabled.flink) return { status: 'skip', summary: `flink.enabled is false in the tenant file: nothing indexes logs into ${LOGS_INDEX}` };
    const gv = await preferredVersion(ctx.kube, 'flink.apache.org');
    const jobs = gv ? ((await listKind(ctx.kube, gv, 'FlinkDeployment', ctx.namespace)) ?? []) : [];
    const running = jobs.filter((j) => (j as { spec?: { job?: unknown } }).spec?.job);
    if (!running.length) {
      return {
        status: 'skip',
        summary: `no Flink jobs run in ${ctx.namespace}${ctx.tenant.environment === 'dev' ? ' (environment dev turns them off)' : ''}: nothing indexes logs into ${LOGS_INDEX}`,
      };
    }
    const fwd = await forwardTo(ctx, 'opensearch');
    const auth = await opensearchAuth(ctx);
    const url = `${fwd.base}/${LOGS_INDEX}/_search`;
    const waitMs = budget(ctx, 1 / 2);
    const until = Date.now() + waitMs;
    let lastError: string | undefined;
    let answered = 0;
    let tries = 0;
    while (!ctx.signal.aborted) {
      tries++;
      try {
        const res = await httpCall({ url, body: { size: 1, ...markerQuery(ctx.marker) }, auth, signal: ctx.signal, timeoutMs: Math.max(1000, Math.min(5000, until - Date.now())) });
        if (isOk(res.status)) {
          answered++;
          const hits = (res.json as { hits?: { total?: { value?: number } | number; hits?: Array<{ _index?: string; _id?: string }> } })?.hits;
          const total = typeof hits?.total === 'number' ? hits.total : hits?.total?.value ?? hits?.hits?.length ?? 0;
          if (total > 0) {
            const doc = hits?.hits?.[0];
            if (ctx.keepData) ctx.state.kept.push(`OpenSearch documents with the marker in ${LOGS_INDEX}`);
            else {
              ctx.data.add(`OpenSearch documents with the marker in ${LOGS_INDEX}`, async () => {
                const del = await httpCall({ url: `${fwd.base}/${LOGS_INDEX}/_delete_by_query?refresh=true`, body: markerQuery(ctx.marker), auth, timeoutMs: 10_000, retries: 1 });
                if (!isOk(del.status)) throw new Error(`_delete_by_query answered ${del.status}: ${snippet(del.body)}`);
              });
            }
            return {
              status: 'pass',
              summary: `marker indexed (${total} hit${total > 1 ? 's' : ''})`,
              evidence: [`POST /${LOGS_INDEX}/_search (${fwd.label}, pod ${fwd.pod}) → ${res.status}`, ...(doc ? [`document ${doc._index}/${doc._id}`] : [])],
            };
          }
          // a pattern no index matches yet answers 200 with no shards searched (404 only for a concrete name)
          const shards = (res.json as { _shards?: { total?: number } } | undefined)?._shards?.total;
          lastError = shards === 0 ? `no index matches ${LOGS_INDEX} yet` : undefined;
        } else if (res.status === 404 && /index_not_found/.test(res.body)) {
          answered++;
          lastError = `no index matches ${LOGS_INDEX} yet`;
        } else {
          lastError = `OpenSearch answered ${res.status}: ${snippet(res.body, 160)}`;
        }
      } catch (e) {
        const node = fwd.lastError();
        lastError = node ? `${errText(e)} (${node})` : errText(e);
      }
      if (Date.now() + 1000 >= until) break;
      await sleep(1000, ctx.signal);
    }
    if (!answered) {
      return {
        status: 'fail',
        summary: `OpenSearch did not answer the search (${tries} ${tries === 1 ? 'try' : 'tries'} in ${formatDuration(waitMs)}): ${lastError ?? 'no answer'}`,
        hop: `OpenSearch (${fwd.label})`,
        evidence: [`POST /${LOGS_INDEX}/_search via pod ${fwd.pod}`],
        hint: `Check OpenSearch's health: kubectl -n ${ctx.namespace} logs ${fwd.pod}; logclaw status --tenant ${ctx.tenant.id}`,
      };
    }
    return {
      status: 'fail',
      summary: `marker not indexed in ${LOGS_INDEX} within ${formatDuration(waitMs)}${lastError ? ` (${lastError})` : ''}`,
      hop: `Kafka → Flink → OpenSearch ${LOGS_INDEX}`,
      evidence: [`POST /${LOGS_INDEX}/_search (${fwd.label}) answered ${answered} time${answered > 1 ? 's' : ''} without the marker`],
      hint: 'The ETL Flink job reads raw-logs and writes the index: check the FlinkDeployment job state and its task manager logs.',
    };
  },
};

