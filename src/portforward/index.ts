/**
 * `logclaw port-forward`: every Service of a tenant forwarded from one process. Discovers the Services of
 * the tenant's namespace (catalog.ts), opens one forward per Service port on its usual local port or the
 * next free one, keeps them up across pod replacement, and closes them all on Ctrl-C.
 */
import { LogclawError, ExitCode, usageError } from '../errors.js';
import { catalog, catalogKeys, discover, schemeFor } from './catalog.js';
import { ForwardManager, type ForwardEvent, type ForwardInfo, type ForwardTarget } from './forwarder.js';
import { ApiError } from '../kube/api.js';
import { connect, kubeBackend, type Kube, type V1Service } from './kube.js';

export { ForwardManager, type ForwardEvent, type ForwardInfo, type ForwardTarget } from './forwarder.js';
export { catalog, catalogKeys, discover } from './catalog.js';

export interface PortForwardOptions {
  tenantId: string;
  kubeContext?: string;
  /** Catalog keys to forward (default: every one found). */
  services?: string[];
  /** The tenant's environment (dev serves OpenSearch over plain HTTP). */
  environment?: string;
  /** Components disabled in the tenant file (their Services are not expected). */
  disabled?: string[];
  onEvent?: (e: ForwardEvent) => void;
  signal?: AbortSignal;
}

export interface PortForwardSession {
  namespace: string;
  context: string;
  forwards: ForwardInfo[];
  /** Requested services that were not found, with the reason. */
  missing: Array<{ key: string; reason: string }>;
  manager: ForwardManager;
  close(): Promise<void>;
}

import { tenantNamespace } from '../tenant/id.js';

export function parseServiceList(list: string[] | undefined): string[] | undefined {
  if (!list?.length) return undefined;
  const keys = list.flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
  const known = catalogKeys();
  const unknown = keys.filter((k) => !known.includes(k));
  if (unknown.length) throw usageError(`unknown service ${unknown.map((u) => `"${u}"`).join(', ')}`, `Services: ${known.join(', ')}.`);
  return keys;
}

export async function listServices(kube: Kube, namespace: string) {
  try {
    return (await kube.api.list({ apiVersion: 'v1', kind: 'Service', namespace })).items as unknown as V1Service[];
  } catch (e) {
    if (e instanceof ApiError && e.status === 403) {
      throw new LogclawError(`not allowed to list Services in namespace ${namespace} (context ${kube.context})`, {
        exitCode: ExitCode.checkFailed,
        hint: 'Your user needs get/list on services and pods, and create on pods/portforward, in the tenant namespace.',
      });
    }
    throw e;
  }
}

export async function startPortForward(options: PortForwardOptions): Promise<PortForwardSession> {
  const wanted = parseServiceList(options.services);
  const kube = await connect({ context: options.kubeContext, signal: options.signal });
  const namespace = tenantNamespace(options.tenantId);
  if (!(await kube.api.get({ apiVersion: 'v1', kind: 'Namespace', name: namespace }))) {
    await kube.api.close();
    throw new LogclawError(`namespace ${namespace} does not exist in context ${kube.context}`, {
      exitCode: ExitCode.checkFailed,
      hint: `Install the tenant first: logclaw install --tenant ${options.tenantId} --kube-context ${kube.context}`,
    });
  }
  const services = await listServices(kube, namespace);
  const found = discover(services, wanted);
  const missing: PortForwardSession['missing'] = [];
  for (const key of wanted ?? []) {
    if (found.some((f) => f.entry.key === key)) continue;
    const entry = catalog.find((e) => e.key === key)!;
    missing.push({
      key,
      reason: options.disabled?.includes(entry.component) ? `${entry.component} is disabled in the tenant file` : `no ${entry.title} Service in ${namespace}`,
    });
  }
  if (!found.length) {
    throw new LogclawError(`no LogClaw Service to forward in namespace ${namespace}${wanted ? ` (asked for ${wanted.join(', ')})` : ''}`, {
      exitCode: ExitCode.checkFailed,
      hint: `Check the tenant is installed: logclaw status --tenant ${options.tenantId}`,
    });
  }
  const manager = new ForwardManager(kubeBackend(kube), { onEvent: options.onEvent });
  const close = async () => {
    await manager.closeAll();
    await kube.api.close();
  };
  const onAbort = () => void close();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const targets: ForwardTarget[] = found.map((f) => ({
      name: f.entry.key,
      namespace,
      service: f.service,
      servicePort: f.port.port,
      localPort: f.entry.localPort,
      scheme: schemeFor(f.entry, options.environment),
      ...(f.entry.path ? { path: f.entry.path } : {}),
    }));
    await manager.addAll(targets);
  } catch (e) {
    await close();
    throw e;
  }
  return { namespace, context: kube.context, forwards: manager.list(), missing, manager, close };
}
