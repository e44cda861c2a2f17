/**
 * Step 6, ticketing agent: its health endpoint and, when step 5 sent an anomaly, the incident it raised,
 * whose platforms must be the ones the tenant's routing names for the severity.
 */
import type { KubeObject } from '../../kube-object.js';
import type { V1Pod } from '../../portforward/kube.js';
import { httpCall, isOk, snippet, type HttpResponse } from '../http.js';
import { formatDuration } from '../../duration.js';
import { budget, errText, forwardTo, sleep, type VerifyStep } from './step.js';

/** The agent's health path, from its pod's liveness (or readiness) probe; /health otherwise. */
export function healthPath(pod: V1Pod | undefined): string {
  for (const c of pod?.spec?.containers ?? []) {
    const path = c.livenessProbe?.httpGet?.path ?? c.readinessProbe?.httpGet?.path;
    if (path) return path;
  }
  return '/health';
}

/** Platforms an incident says it was routed to (`platforms`, `routedTo` or `routes[].platform`). */
export function routedPlatforms(incident: Record<string, unknown>): string[] | undefined {
  if (Array.isArray(incident.platforms)) return incident.platforms.map(String);
  if (Array.isArray(incident.routedTo)) return incident.routedTo.map(String);
  if (Array.isArray(incident.routes)) return incident.routes.map((r) => String((r as { platform?: unknown }).platform ?? r));
  return undefined;
}

/** The agent's incident for the marker from a GET /incidents?marker= answer (an array or {incidents: [...]}). */
export function incidentFor(body: unknown, marker: string): Record<string, unknown> | undefined {
  const list = Array.isArray(body) ? body : Array.isArray((body as { incidents?: unknown })?.incidents) ? (body as { incidents: unknown[] }).incidents : [];
  return list.find((i) => JSON.stringify(i).includes(marker)) as Record<string, unknown> | undefined;
}

export const INCIDENTS_PATH = '/incidents';

export const ticketing: VerifyStep = {
  id: 'ticketing',
  title: 'ticketing agent',
  hop: 'ticketing agent',
  async run(ctx) {
    if (!ctx.tenant.enabled.ticketingAgent) return { status: 'skip', summary: 'ticketingAgent.enabled is false in the tenant file' };
    const fwd = await forwardTo(ctx, 'ticketing-agent');
    const pod = fwd.pod ? await ctx.kube.api.get<V1Pod & KubeObject>({ apiVersion: 'v1', kind: 'Pod', namespace: ctx.namespace, name: fwd.pod }).catch(() => undefined) : undefined;
    const path = healthPath(pod);
    let health: HttpResponse;
    try {
      health = await httpCall({ url: `${fwd.base}${path}`, signal: ctx.signal, timeoutMs: Math.min(10_000, Math.max(1000, ctx.remaining())) });
    } catch (e) {
      return { status: 'fail', summary: `GET ${path} failed: ${errText(e)}${fwd.lastError() ? ` (${fwd.lastError()})` : ''}`, hop: `ticketing agent health (${fwd.label})`, hint: `kubectl -n ${ctx.namespace} logs ${fwd.pod}` };
    }
    const evidence = [`GET ${path} → ${health.status} (${fwd.label}, pod ${fwd.pod})`];
    if (!isOk(health.status)) {
      return {
        status: 'fail',
        summary: `health endpoint answered ${health.status}`,
        hop: `ticketing agent health (${fwd.label})`,
        evidence: [...evidence, ...(health.body ? [`body: ${snippet(health.body)}`] : [])],
        hint: `kubectl -n ${ctx.namespace} logs ${fwd.pod}`,
      };
    }
    const anomaly = ctx.state.anomaly;
    if (!anomaly?.seen) return { status: 'pass', summary: 'healthy; routing not checked: no anomaly event was sent', evidence };
    const expected = ctx.tenant.routing[anomaly.severity];
    const waitMs = Math.min(budget(ctx, 1), 20_000);
    const until = Date.now() + waitMs;
    const url = `${fwd.base}${INCIDENTS_PATH}?marker=${encodeURIComponent(ctx.marker)}`;
    while (!ctx.signal.aborted) {
      let res: HttpResponse | undefined;
      try {
        res = await httpCall({ url, signal: ctx.signal, timeoutMs: 5000 });
      } catch {
        res = undefined;
      }
      if (res && [404, 405, 501].includes(res.status)) {
        return { status: 'pass', summary: `healthy; routing not checked: the agent does not expose incidents (GET ${INCIDENTS_PATH} → ${res.status})`, evidence };
      }
      const incident = res && isOk(res.status) ? incidentFor(res.json, ctx.marker) : undefined;
      if (incident) {
        const actual = routedPlatforms(incident);
        const id = String(incident.id ?? incident.key ?? '?');
        evidence.push(`incident ${id} for the marker (severity ${String(incident.severity ?? anomaly.severity)})`);
        if (!actual) return { status: 'pass', summary: `healthy; incident ${id} raised; routing not checked: the incident does not list its platforms`, evidence };
        const want = [...new Set(expected)].sort();
        const got = [...new Set(actual)].sort();
        if (want.join(',') === got.join(',')) {
          return { status: 'pass', summary: `healthy; incident ${id} routed to ${got.join(', ') || 'no platform'} as routing.${anomaly.severity} says`, evidence };
        }
        return {
          status: 'fail',
          summary: `incident ${id} was routed to [${got.join(', ')}] but routing.${anomaly.severity} names [${want.join(', ')}]`,
          hop: 'ticketing agent routing',
          evidence,
          hint: `Compare ticketingAgent.config.routing in ${ctx.tenant.file} with the agent's ConfigMap (helm upgrade may be pending).`,
        };
      }
      if (Date.now() + 1000 >= until) break;
      await sleep(1000, ctx.signal);
    }
    return { status: 'pass', summary: `healthy; routing not checked: no incident for the marker within ${formatDuration(waitMs)}`, evidence };
  },
};

