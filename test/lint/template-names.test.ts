/**
 * Rule template-name-collision: a define that another chart rendered in the same release also defines, found
 * through subchart directories and .tgz archives (nested), naming both files; subcharts a false condition drops
 * and copies of one library do not count. Against the real zammad chart 12.4.1: the library's helpers under the
 * old `common.` prefix (a copy made here) collide with Bitnami's common library; under `logclaw.` nothing does.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureDependencies, resetChartHashes } from '../../src/charts/index.js';
import { templateDefinitions, templateNameCollisions } from '../../src/lint/template-names.js';
import { Helm } from '../../src/tools/helm.js';
import { HELM3, repoRoot, sharedDir } from '../helpers/tools.js';
import { tempDir } from '../helpers/temp.js';

const saved = process.env.LOGCLAW_UPSTREAM_CHARTS;
afterEach(() => {
  if (saved === undefined) delete process.env.LOGCLAW_UPSTREAM_CHARTS;
  else process.env.LOGCLAW_UPSTREAM_CHARTS = saved;
  resetChartHashes();
});

function chart(dir: string, name: string, templates: Record<string, string>, extra: { values?: string; deps?: string } = {}): string {
  mkdirSync(join(dir, 'templates'), { recursive: true });
  writeFileSync(join(dir, 'Chart.yaml'), `apiVersion: v2\nname: ${name}\nversion: 1.0.0\n${extra.deps ?? ''}`);
  if (extra.values) writeFileSync(join(dir, 'values.yaml'), extra.values);
  for (const [f, text] of Object.entries(templates)) writeFileSync(join(dir, 'templates', f), text);
  return dir;
}

describe('template-name-collision, planted', () => {
  it('names both files of a define shared with a subchart directory and a packaged subchart', () => {
    const root = tempDir('logclaw-tpl-');
    const parent = chart(join(root, 'parent'), 'parent', {
      '_helpers.tpl': '{{/* one */}}\n{{- define "shared.name" -}}parent{{- end -}}\n{{- define "parent.own" -}}x{{- end -}}\n',
    }, { deps: 'dependencies:\n  - name: child\n    version: 1.0.0\n  - name: packed\n    version: 1.0.0\n' });
    chart(join(parent, 'charts', 'child'), 'child', { '_x.tpl': '\n\n{{ define "shared.name" }}child{{ end }}\n' });
    const packed = chart(join(root, 'packed'), 'packed', { 'a.yaml': '{{- block "parent.own" . }}y{{ end }}\n' });
    execFileSync(HELM3, ['package', packed, '--destination', join(parent, 'charts')], { stdio: 'ignore' });

    const f = templateNameCollisions(parent, root, 'parent');
    expect(f.map((x) => x.rule)).toEqual(['template-name-collision', 'template-name-collision']);
    const shared = f.find((x) => x.message.includes('"shared.name"'))!;
    expect(shared).toMatchObject({ severity: 'error', chart: 'parent', file: 'parent/templates/_helpers.tpl', line: 2 });
    expect(shared.message).toContain('chart parent (parent/templates/_helpers.tpl) and chart child (parent/charts/child/templates/_x.tpl) both define template "shared.name"');
    const own = f.find((x) => x.message.includes('"parent.own"'))!;
    expect(own.message).toContain('chart packed (parent/charts/packed-1.0.0.tgz:packed/templates/a.yaml)');
  });

  it('leaves out a subchart whose condition is false, and copies of one library', () => {
    const root = tempDir('logclaw-tpl-');
    const parent = chart(join(root, 'parent'), 'parent', { '_h.tpl': '{{ define "x.name" }}p{{ end }}' }, {
      values: 'off:\n  enabled: false\n',
      deps: 'dependencies:\n  - name: off\n    version: 1.0.0\n    condition: off.enabled\n  - name: a\n    version: 1.0.0\n  - name: b\n    version: 1.0.0\n',
    });
    chart(join(parent, 'charts', 'off'), 'off', { '_h.tpl': '{{ define "x.name" }}off{{ end }}' });
    // two subcharts, each with its own copy of library `lib` (as Bitnami's stores each carry `common`)
    for (const s of ['a', 'b']) {
      chart(join(parent, 'charts', s), s, { '_h.tpl': `{{ define "${s}.name" }}{{ include "lib.name" . }}{{ end }}` });
      chart(join(parent, 'charts', s, 'charts', 'lib'), 'lib', { '_lib.tpl': `{{ define "lib.name" }}${s}{{ end }}` });
    }
    expect(templateDefinitions(parent, root).filter((d) => d.name === 'lib.name')).toHaveLength(2);
    expect(templateNameCollisions(parent, root, 'parent')).toEqual([]);
    // the same subchart turned on by its parent's values collides
    writeFileSync(join(parent, 'values.yaml'), 'off:\n  enabled: true\n');
    expect(templateNameCollisions(parent, root, 'parent').map((x) => x.message)).toEqual([expect.stringContaining('chart parent (parent/templates/_h.tpl) and chart off (parent/charts/off/templates/_h.tpl) both define template "x.name"')]);
  });
});

describe('template-name-collision with the real zammad chart', () => {
  /** logclaw-zammad and logclaw-common copied, the library's helpers renamed as given, the real chart vendored. */
  async function wrapper(prefix: string): Promise<{ root: string; dir: string }> {
    const root = tempDir('logclaw-tpl-zammad-');
    for (const c of ['logclaw-zammad', 'logclaw-common']) {
      cpSync(join(repoRoot, 'charts', c), join(root, c), { recursive: true, filter: (src) => !src.includes(`${c}/charts`) && !src.endsWith('Chart.lock.hash') });
      for (const f of readdirSync(join(root, c, 'templates'), { recursive: true, withFileTypes: true }).filter((e) => e.isFile())) {
        const p = join(f.parentPath, f.name);
        writeFileSync(p, readFileSync(p, 'utf8').replaceAll('"logclaw.', `"${prefix}.`));
      }
    }
    process.env.LOGCLAW_UPSTREAM_CHARTS = join(sharedDir, 'upstream-charts');
    await ensureDependencies(join(root, 'logclaw-zammad'), await Helm.detect(HELM3));
    return { root, dir: join(root, 'logclaw-zammad') };
  }

  it('reports the old common.-prefixed library against Bitnami common, naming both files', async () => {
    const { root, dir } = await wrapper('common');
    const f = templateNameCollisions(dir, root, 'logclaw-zammad');
    const names = f.find((x) => x.message.includes('"common.names.fullname"'));
    expect(names, f.map((x) => x.message).join('\n')).toBeDefined();
    expect(names!.file).toMatch(/^logclaw-zammad\/charts\/logclaw-common-[\d.]+\.tgz:logclaw-common\/templates\/_names\.tpl$/);
    expect(names!.message).toMatch(/chart logclaw-common \(logclaw-zammad\/charts\/logclaw-common-[\d.]+\.tgz:logclaw-common\/templates\/_names\.tpl\) and chart common \(logclaw-zammad\/charts\/zammad-12\.4\.1\.tgz:zammad\/charts\/\w+\/charts\/common\/templates\/_names\.tpl\)/);
    // Bitnami's copies of common (one per store) count as one chart: each name is reported once
    const reported = f.flatMap((x) => [...x.message.matchAll(/"(common\.[\w.]+)"/g)].map((m) => m[1]));
    expect(reported).toEqual(expect.arrayContaining(['common.names.fullname', 'common.labels.standard', 'common.images.image']));
    expect(new Set(reported).size).toBe(reported.length);
    expect(f.every((x) => x.rule === 'template-name-collision' && x.severity === 'error')).toBe(true);
  });

  it('finds nothing with the helpers prefixed logclaw.', async () => {
    const { root, dir } = await wrapper('logclaw');
    expect(templateNameCollisions(dir, root, 'logclaw-zammad')).toEqual([]);
  });
});
