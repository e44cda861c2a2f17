/**
 * A chart render checked like `logclaw lint` does: rendered from the private chart copy (lib.ts, which also
 * holds the official zammad chart and the airflow stand-in) and validated by the lint engine (src/manifests
 * validateRender: Kubernetes schemas, the pinned CRDs with unknown fields as errors, Pod Security, references,
 * network). Findings are kept for the templates of the intelligence charts, the ones these renders examine.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { CrdCatalog, KubeSchemas, OperatorCatalog, validateRender, type Finding, type RenderedObject } from '../../src/manifests/index.js';
import { renderChart } from '../../src/render/index.js';
import { Helm } from '../../src/tools/helm.js';
import { crdDir } from '../helpers/tools.js';
import { INTELLIGENCE, prepareCharts, type K8sObject } from './lib.js';

/** Is this template file one of the intelligence charts'? */
export const inIntelligenceChart = (file: string): boolean => INTELLIGENCE.some((c) => file.includes(`charts/${c}/`));

const crds = CrdCatalog.load(crdDir);
const operators = new OperatorCatalog(crds, undefined);
const kube = new KubeSchemas();
/** Every API version the pinned CRDs serve (operators and the optional VPA, Prometheus operator, KServe). */
export const allApis = operators.apiVersions();
/** The same without KServe (serving.kserve.io): "KServe CRD absent". */
export const withoutKserve = allApis.filter((a) => !a.startsWith('serving.kserve.io/'));

const helmCache = new Map<string, Promise<Helm>>();
const helmOf = (bin: string): Promise<Helm> => {
  let h = helmCache.get(bin);
  if (!h) helmCache.set(bin, (h = Helm.detect(bin)));
  return h;
};

export interface Rendered {
  /** Parsed objects with their source template. */
  rendered: RenderedObject[];
  objects: K8sObject[];
  /** Lint findings (errors and warnings) located in templates of the intelligence charts. */
  findings: Finding[];
}

export interface RenderOpts {
  values: string[];
  set?: string[];
  apiVersions?: string[];
  kubeVersion?: string;
  namespace?: string;
  release?: string;
}

const cache = new Map<string, Promise<Rendered>>();

/** Render a chart of the prepared copy once per argument set and validate it like `logclaw lint`. */
export function renderChecked(helmBin: string, chart: string, o: RenderOpts): Promise<Rendered> {
  const key = JSON.stringify([helmBin, chart, o]);
  let p = cache.get(key);
  if (!p) {
    p = (async () => {
      const chartsDir = await prepareCharts();
      const helm = await helmOf(helmBin);
      const namespace = o.namespace ?? 'logclaw-ci';
      const release = o.release ?? 'logclaw-ci';
      const r = await renderChart({
        helm,
        root: dirname(chartsDir),
        chartDir: join(chartsDir, chart),
        release,
        namespace,
        valuesFiles: o.values,
        set: o.set ?? [],
        kubeVersion: o.kubeVersion ?? '1.34.0',
        apiVersions: o.apiVersions ?? allApis,
      });
      const values = Object.assign({}, ...o.values.map((f) => parseYaml(readFileSync(f, 'utf8')) as Record<string, any>));
      const g = values.global ?? {};
      const v = validateRender(r.objects, {
        namespace,
        release,
        kube,
        crds,
        operators,
        environment: g.environment,
        objectStorageProvider: g.objectStorage?.provider,
        target: `${chart} ${o.values.map((f) => f.split('/').pop()).join(',')}`,
      });
      return {
        rendered: r.objects,
        objects: r.objects.map((x) => x.obj as K8sObject),
        findings: [...r.findings, ...v.findings].filter((f) => !f.file || inIntelligenceChart(f.file)),
      };
    })();
    cache.set(key, p);
  }
  return p;
}

export const describeFindings = (f: Finding[]): string[] => f.map((x) => `${x.severity} ${x.rule} ${x.file ?? ''}: ${x.message}`);
