// A volume provisioner like kind's local-path-provisioner: the default StorageClass `standard`
// (WaitForFirstConsumer, provisioner rancher.io/local-path). For every claim of that class that the
// scheduler has placed on a node (annotation volume.kubernetes.io/selected-node) it creates a
// hostPath PersistentVolume pinned to that node and pre-bound to the claim; the real PV controller
// then binds them. Released volumes with reclaim policy Delete are deleted.
import type { Kube, KubeObject } from './lib/kube.ts';
import { KubeError } from './lib/kube.ts';

export const PROVISIONER = 'rancher.io/local-path';

export const storageClass: KubeObject = {
  apiVersion: 'storage.k8s.io/v1',
  kind: 'StorageClass',
  metadata: { name: 'standard', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
  provisioner: PROVISIONER,
  reclaimPolicy: 'Delete',
  volumeBindingMode: 'WaitForFirstConsumer',
};

export function startProvisioner(kube: Kube, log: (m: string) => void): () => void {
  const classes = new Map<string, string>([['standard', PROVISIONER]]);
  const stopClasses = kube.informer('/apis/storage.k8s.io/v1/storageclasses', (type, sc) => {
    if (type === 'DELETED') classes.delete(sc.metadata.name);
    else classes.set(sc.metadata.name, sc.provisioner);
  });
  const inFlight = new Set<string>();
  const stopClaims = kube.informer('/api/v1/persistentvolumeclaims', async (type, pvc) => {
    if (type === 'DELETED' || pvc.spec.volumeName || pvc.metadata.deletionTimestamp) return;
    const cls = pvc.spec.storageClassName;
    if (!cls || classes.get(cls) !== PROVISIONER) return;
    const ann = pvc.metadata.annotations ?? {};
    const node = ann['volume.kubernetes.io/selected-node'];
    if (!node) return; // WaitForFirstConsumer: nothing until a pod using it is scheduled
    const name = `pvc-${pvc.metadata.uid}`;
    if (inFlight.has(name)) return;
    inFlight.add(name);
    const pv: KubeObject = {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: {
        name,
        annotations: { 'pv.kubernetes.io/provisioned-by': PROVISIONER, 'local.path.provisioner/selected-node': node },
      },
      spec: {
        capacity: { storage: pvc.spec.resources?.requests?.storage ?? '1Gi' },
        accessModes: pvc.spec.accessModes ?? ['ReadWriteOnce'],
        persistentVolumeReclaimPolicy: 'Delete',
        storageClassName: cls,
        volumeMode: pvc.spec.volumeMode ?? 'Filesystem',
        hostPath: { path: `/var/local-path-provisioner/${name}_${pvc.metadata.namespace}_${pvc.metadata.name}`, type: 'DirectoryOrCreate' },
        claimRef: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: pvc.metadata.namespace, name: pvc.metadata.name, uid: pvc.metadata.uid },
        nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [node] }] }] } },
      },
    };
    try {
      await kube.create(pv);
      log(`provisioner: created ${name} for ${pvc.metadata.namespace}/${pvc.metadata.name} on ${node}`);
    } catch (e) {
      if (!(e instanceof KubeError && e.status === 409)) log(`provisioner: ${String(e)}`);
    } finally {
      inFlight.delete(name);
    }
  }, (e) => log(`provisioner: claims watch: ${String(e)}`));
  const stopVolumes = kube.informer('/api/v1/persistentvolumes', async (type, pv) => {
    if (type === 'DELETED') return;
    if (pv.metadata.annotations?.['pv.kubernetes.io/provisioned-by'] !== PROVISIONER) return;
    if (pv.status?.phase !== 'Released' || pv.spec.persistentVolumeReclaimPolicy !== 'Delete') return;
    try {
      await kube.delete('v1', 'PersistentVolume', pv.metadata.name);
      log(`provisioner: deleted released ${pv.metadata.name}`);
    } catch (e) {
      log(`provisioner: ${String(e)}`);
    }
  });
  return () => { stopClasses(); stopClaims(); stopVolumes(); };
}
