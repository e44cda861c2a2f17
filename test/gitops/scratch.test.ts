import { it } from 'vitest';
import { startArgoCD } from '../cluster/argocd.ts';
import { getCluster } from '../lifecycle/cluster.js';
import { HELM3 } from '../helpers/tools.js';
import { projectRepo } from './repo.ts';

import { readFileSync } from 'node:fs';
it('scratch', async () => {
  const cluster = await getCluster();
  const repo = await projectRepo();
  await repo.commit('t', { 'gitops/tenants/tenant-s1.yaml': 'global: {tenantId: s1, tenantName: S1, tier: standard, cloudProvider: onprem, environment: dev, storageClass: standard, llm: {provider: disabled}}\nflink: {enabled: false}\nopensearch: {enabled: false}\nmlEngine: {enabled: false}\nairflow: {enabled: false}\nticketingAgent: {enabled: false}\nzammad: {enabled: false}\n' });
  const argo = await startArgoCD({ kubeconfig: cluster.kubeconfig, context: cluster.context, helm: HELM3, dir: '/tmp/h14/argo-scratch' });
  await argo.kubectl(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'argoproj.io/v1alpha1', kind: 'AppProject', metadata: { name: 'default', namespace: 'argocd' }, spec: { sourceRepos: ['*'], destinations: [{ server: '*', namespace: '*' }], clusterResourceWhitelist: [{ group: '*', kind: '*' }] } }));
  await argo.kubectl(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 's1', namespace: 'argocd' },
    spec: { project: 'default', source: { repoURL: repo.url, targetRevision: 'main', path: 'charts/logclaw-tenant', helm: { releaseName: 'logclaw-s1', valueFiles: ['../../gitops/tenants/tenant-s1.yaml'] } }, destination: { name: 'in-cluster', namespace: 'logclaw-s1' } } }));
  await new Promise((r) => setTimeout(r, 20000));
  console.log(await argo.kubectl(['get', 'application', '-n', 'argocd', 's1', '-o', 'jsonpath={.status.conditions}']));
  await argo.stop();
}, 200000);
