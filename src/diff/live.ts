/**
 * Live objects and what applying a desired object would make of them, through a server-side dry-run apply
 * (as `kubectl diff --server-side` does): the API server fills in defaults and runs admission, so defaults are
 * not reported as changes, and an update it would refuse (an immutable field) is known before anything runs.
 */
import { ApiError, isNotFound, type KubeApi } from '../kube/api.js';
import type { NamedKubeObject } from '../safety/objects.js';
import { mergePreview, removeDropped } from './merge.js';

/** The field manager helm uses; dry runs apply as helm would. */
export const FIELD_MANAGER = 'helm';

export interface Prediction {
  live?: NamedKubeObject;
  /** The object as it would be after applying (undefined only when it could not be predicted). */
  predicted: NamedKubeObject;
  /** The API server's refusal of the update (e.g. an immutable field), when it refused. */
  serverError?: string;
  /** The cluster does not serve the kind (its CRD is not installed yet). */
  notServed?: boolean;
}

const ref = (o: NamedKubeObject) => ({ apiVersion: o.apiVersion, kind: o.kind, namespace: o.metadata.namespace, name: o.metadata.name });

/** Whether the kind is namespaced (true when the cluster does not know it: tenant objects are). */
export async function isNamespaced(api: KubeApi, o: NamedKubeObject): Promise<boolean> {
  try {
    return (await api.resource(o.apiVersion, o.kind)).namespaced;
  } catch (e) {
    if (isNotFound(e)) return true;
    throw e;
  }
}

export async function predict(api: KubeApi, desired: NamedKubeObject, previous: NamedKubeObject | undefined, signal?: AbortSignal): Promise<Prediction> {
  let live: NamedKubeObject | undefined;
  let notServed = false;
  try {
    await api.resource(desired.apiVersion, desired.kind);
    live = (await api.get(ref(desired), signal)) as NamedKubeObject | undefined;
  } catch (e) {
    if (!isNotFound(e)) throw e;
    notServed = true;
  }
  if (notServed) return { predicted: desired, notServed: true };
  let predicted: NamedKubeObject;
  let serverError: string | undefined;
  try {
    const path = await api.path(ref(desired));
    predicted = await api.request<NamedKubeObject>('PATCH', `${path}?fieldManager=${FIELD_MANAGER}&force=true&dryRun=All`, {
      body: JSON.stringify(desired),
      contentType: 'application/apply-patch+yaml',
      signal,
    });
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    if (e.status === 404) {
      // the namespace does not exist yet: everything in it is created
      return { predicted: desired };
    }
    if (e.status !== 422 && e.status !== 400) throw e;
    serverError = e.message;
    predicted = (live ? mergePreview(live, desired) : desired) as NamedKubeObject;
  }
  if (live && previous) predicted = removeDropped(predicted, previous, desired) as NamedKubeObject;
  return live ? { live, predicted, ...(serverError ? { serverError } : {}) } : { predicted, ...(serverError ? { serverError } : {}) };
}
