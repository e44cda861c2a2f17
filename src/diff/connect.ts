/** The cluster a diff or upgrade talks to: --kube-context, else the kubeconfig's current context (named in the output). */
import { connect, type KubeApi } from '../kube/api.js';

export async function connectCluster(kubeContext: string | undefined): Promise<{ api: KubeApi; context: string }> {
  const api = await connect({ context: kubeContext });
  return { api, context: api.target.context };
}
