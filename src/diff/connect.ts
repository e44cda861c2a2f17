/** The cluster a diff or upgrade talks to: --kube-context, else the kubeconfig's current context (named in the output). */
import { ExitCode, LogclawError, usageError } from '../errors.js';
import { KubeApi } from '../cluster/api.js';

export async function currentContext(): Promise<string> {
  const k8s = await import('@kubernetes/client-node');
  const kc = new k8s.KubeConfig();
  try {
    kc.loadFromDefault();
  } catch (e) {
    throw new LogclawError(`cannot read the kubeconfig: ${(e as Error).message}`, { exitCode: ExitCode.missingPrerequisite });
  }
  const ctx = kc.getCurrentContext();
  if (!ctx) throw usageError('no kube context selected', 'Pass --kube-context or set a current context (kubectl config use-context).');
  return ctx;
}

export async function connectCluster(kubeContext: string | undefined): Promise<{ api: KubeApi; context: string }> {
  const context = kubeContext ?? (await currentContext());
  const api = await KubeApi.connect({ context });
  return { api, context };
}
