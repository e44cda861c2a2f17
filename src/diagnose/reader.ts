/** The diagnosis reader (src/diagnose) over the live API. */
import type { ClusterReader } from './index.js';
import { isNotFound, type KubeApi, type ObjectRef } from '../kube/api.js';

export function apiReader(api: KubeApi, signal?: AbortSignal): ClusterReader {
  return {
    get: (ref: ObjectRef) => api.get(ref, signal),
    list: async (ref, o = {}) => {
      try {
        return (await api.list(ref, { ...o, signal })).items;
      } catch (e) {
        if (isNotFound(e)) return [];
        throw e;
      }
    },
    logs: (namespace, pod, o) => api.logs(namespace, pod, { ...o, signal }),
  };
}
