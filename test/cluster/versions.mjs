// The control-plane programs the test cluster runs, pinned. Each is built from its own Go
// module under test/cluster/go/<module>/ (go.mod + go.sum, `tool` directives, no Go code) into
// a cache outside the clone: <cache>/bin/<name>-<version>/<binary>. build.mjs builds them; the
// sim launcher and tests resolve paths through binPath().
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const clusterDir = dirname(fileURLToPath(import.meta.url));
export const cacheRoot = process.env.LOGCLAW_CACHE_DIR ?? join(homedir(), '.cache', 'logclaw');
export const binRoot = join(cacheRoot, 'bin');

export const KUBERNETES_VERSION = 'v1.33.13';
export const ARGOCD_VERSION = 'v3.6.1';
const kv = 'k8s.io/component-base/version';

// `copy` takes data files (CRDs, manifests) from the module cache at build time; `toolchain` is the
// GOTOOLCHAIN a component's go.mod needs when it is newer than the installed Go.
/** @type {{name: string, version: string, module: string, packages: Record<string, string>, ldflags: string[], toolchain?: string, copy?: {module: string, from: string, to: string} | {module: string, from: string, to: string}[]}[]} */
export const components = [
  {
    name: 'etcd',
    version: 'v3.6.16',
    module: 'etcd',
    packages: { etcd: 'go.etcd.io/etcd/server/v3' },
    ldflags: [],
  },
  {
    name: 'kwok',
    version: 'v0.8.0',
    module: 'kwok',
    packages: { kwok: 'sigs.k8s.io/kwok/cmd/kwok' },
    ldflags: [],
    // kwok's own CRDs (Stage, Exec, Logs, PortForward, ...), taken from the module at build time.
    copy: { module: 'sigs.k8s.io/kwok', from: 'kustomize/crd/bases', to: 'crds' },
  },
  {
    name: 'kubernetes',
    version: KUBERNETES_VERSION,
    module: 'kubernetes',
    packages: {
      'kube-apiserver': 'k8s.io/kubernetes/cmd/kube-apiserver',
      'kube-controller-manager': 'k8s.io/kubernetes/cmd/kube-controller-manager',
      'kube-scheduler': 'k8s.io/kubernetes/cmd/kube-scheduler',
    },
    // What the Kubernetes release build stamps; without it the server reports v0.0.0-master
    // and helm's .Capabilities.KubeVersion / chart kubeVersion constraints break.
    ldflags: [
      '-X', `${kv}.gitVersion=${KUBERNETES_VERSION}`,
      '-X', `${kv}.gitMajor=1`,
      '-X', `${kv}.gitMinor=33`,
      '-X', `${kv}.gitTreeState=clean`,
      '-X', `${kv}.buildDate=2025-01-01T00:00:00Z`,
      '-X', `k8s.io/client-go/pkg/version.gitVersion=${KUBERNETES_VERSION}`,
    ],
  },
  {
    name: 'helmfile',
    version: 'v1.8.0',
    module: 'helmfile',
    packages: { helmfile: 'github.com/helmfile/helmfile' },
    ldflags: ['-X', 'go.szostok.io/version.version=v1.8.0'],
  },
  {
    // Argo CD's multi-call binary: the role comes from ARGOCD_BINARY_NAME (application-controller,
    // repo-server, applicationset-controller, ...). test/cluster/argocd.ts runs it out of cluster.
    name: 'argocd',
    version: ARGOCD_VERSION,
    module: 'argocd',
    packages: { argocd: 'github.com/argoproj/argo-cd/v3/cmd' },
    // (argocd prints "v" + this)
    ldflags: ['-X', `github.com/argoproj/argo-cd/v3/common.version=${ARGOCD_VERSION.slice(1)}`],
    // argo-cd v3.6's go.mod says `go 1.27.0`; the go command fetches this toolchain through the proxy.
    toolchain: 'go1.27.3',
    // The CRDs and the base config (argocd-cm, argocd-rbac-cm, argocd-secret, ...) of this version.
    copy: [
      { module: 'github.com/argoproj/argo-cd/v3', from: 'manifests/crds', to: 'crds' },
      { module: 'github.com/argoproj/argo-cd/v3', from: 'manifests/base/config', to: 'config' },
      // the repo-server runs it on every checkout (the image has it in /usr/local/bin)
      { module: 'github.com/argoproj/argo-cd/v3', from: 'hack/git-verify-wrapper.sh', to: 'bin/git-verify-wrapper.sh' },
    ],
  },
];

export function componentDir(c) {
  return join(binRoot, `${c.name}-${c.version}`);
}

/** Absolute path of a built binary by its file name (etcd, kwok, kube-apiserver, helmfile, ...). */
export function binPath(binary) {
  for (const c of components) {
    if (binary in c.packages) return join(componentDir(c), binary);
  }
  throw new Error(`unknown cluster binary ${binary}`);
}

export function moduleDir(c) {
  return resolve(clusterDir, 'go', c.module);
}
