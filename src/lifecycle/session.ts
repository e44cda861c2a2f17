/** A session on one cluster: an explicit kube context, its API client and the watches every wait shares. */
import { connect, type KubeApi } from '../kube/api.js';
import { WatchHub } from '../kube/watch.js';

export interface Session {
  kubeContext: string;
  kubeconfig?: string;
  api?: KubeApi;
  hub?: WatchHub;
  close(): Promise<void>;
}

/** Connect to the cluster (always an explicit context) and check that it answers. */
export async function openSession(kubeContext: string, kubeconfig: string | undefined, signal: AbortSignal): Promise<Session> {
  const api = await connect({ context: kubeContext, kubeconfig, signal });
  const hub = new WatchHub(api, signal);
  return {
    kubeContext,
    kubeconfig,
    api,
    hub,
    close: async () => {
      hub.stop();
      await api.close();
    },
  };
}
