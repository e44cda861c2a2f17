/** lint's output formats: pretty (grouped by target and chart), json, github (workflow annotations), junit. */
import type { Output } from '../output.js';
import { describeRef, type Finding } from '../manifests/types.js';
import { formatDuration, junitSeconds } from '../duration.js';
import type { ChangeSelection } from './changed.js';
import type { LintResult } from './index.js';

/** What the command adds to a result: the `--changed` selection, printed with its reasons under `--explain`. */
export interface FormatExtras {
  changed?: ChangeSelection;
  explain?: boolean;
}

/** The `--changed` selection as text lines: one summary line; with `explain`, every item and why. */
export function formatSelection(sel: ChangeSelection, explain: boolean): string[] {
  const s = sel.scope;
  const lines = [
    `changed since ${sel.base} (merge base ${sel.mergeBase.slice(0, 12)}): ${sel.files.length} file(s); linting ${s.tenants.length} tenant render(s), ${s.validateTenants.length} tenant file(s), ${s.charts.length} chart(s), ${s.ciCases.length} ci case(s)` +
      `${s.longestTenantId ? ', the longest-tenantId render' : ''}${s.helmfile ? ', helmfile.d' : ''}${s.gitops ? ', gitops manifests' : ''}`,
  ];
  if (!explain) return lines;
  lines.push('selected:');
  if (!sel.selected.length) lines.push('  nothing: no changed file is a lint input');
  for (const i of sel.selected) {
    lines.push(`  ${i.item}`);
    for (const r of i.reasons) lines.push(`      because ${r}`);
  }
  if (sel.ignored.length || sel.notRendered.length) lines.push('not selected:');
  for (const n of sel.notRendered) lines.push(`  ${n.tenants} tenant(s) that do not render a changed chart: ${n.reason}`);
  for (const i of sel.ignored) lines.push(`  ${i.file}: ${i.reason}`);
  return lines;
}

export const FORMATS = ['pretty', 'json', 'github', 'junit'] as const;
export type LintFormat = (typeof FORMATS)[number];

export function counts(r: LintResult): { errors: number; warnings: number } {
  return { errors: r.findings.filter((f) => f.severity === 'error').length, warnings: r.findings.filter((f) => f.severity === 'warning').length };
}

const location = (f: Finding): string => `${f.file ?? ''}${f.file && f.line ? `:${f.line}` : ''}`;

export function formatPretty(r: LintResult, out?: Output, extras: FormatExtras = {}): string {
  const st = (s: Parameters<Output['style']>[0], t: string) => (out ? out.style(s, t) : t);
  const lines: string[] = [];
  if (extras.changed) lines.push(...formatSelection(extras.changed, Boolean(extras.explain)).map((l, i) => (i === 0 ? st('bold', l) : l)), '');
  const byTarget = new Map<string, Map<string, Finding[]>>();
  for (const f of r.findings) {
    const t = f.target ?? 'repository';
    const c = f.chart ?? '-';
    if (!byTarget.has(t)) byTarget.set(t, new Map());
    const m = byTarget.get(t)!;
    m.set(c, [...(m.get(c) ?? []), f]);
  }
  for (const [target, charts] of byTarget) {
    lines.push(st('bold', target));
    for (const [chart, fs] of charts) {
      if (chart !== '-') lines.push(`  ${st('cyan', chart)}`);
      for (const f of fs) {
        const sev = f.severity === 'error' ? st('red', 'error  ') : st('yellow', 'warning');
        const obj = f.object ? `${describeRef(f.object)}${f.path ? ` ${f.path}` : ''}` : f.path ?? '';
        lines.push(`    ${sev} ${st('bold', f.rule)}${obj ? `  ${obj}` : ''}`);
        lines.push(`            ${f.message}`);
        if (f.file) lines.push(`            ${st('dim', location(f))}`);
      }
    }
  }
  const { errors, warnings } = counts(r);
  const s = r.stats;
  const perRender = s.renderMs.length ? Math.round(s.renderMs.reduce((a, b) => a + b, 0) / s.renderMs.length) : 0;
  if (lines.length) lines.push('');
  if (r.waived.length) {
    // One line per object, rule and reason, however many renders it appears in.
    const groups = new Map<string, { w: (typeof r.waived)[number]; targets: Set<string> }>();
    for (const w of r.waived) {
      const key = `${w.object ? `${w.object.kind}/${w.object.name}` : ''}|${w.rule}|${w.reason}|${w.file ?? ''}`;
      const g = groups.get(key) ?? { w, targets: new Set<string>() };
      g.targets.add(w.target ?? '');
      groups.set(key, g);
    }
    lines.push(st('bold', `policy exceptions (${groups.size}, waiving ${r.waived.length} finding(s)):`));
    for (const { w, targets } of groups.values()) {
      lines.push(`  ${w.object ? `${w.object.kind} ${w.object.name}` : ''} ${st('bold', w.rule)}: ${w.reason}  ${st('dim', `${location(w)} (${targets.size === 1 ? [...targets][0] : `${targets.size} renders`})`)}`);
    }
  }
  for (const n of r.notes) lines.push(st('dim', `note: ${n}`));
  const verdict = errors ? st('red', `${errors} error(s)`) : st('green', 'no errors');
  lines.push(
    `${verdict}, ${warnings} warning(s): ${s.charts} chart(s), ${s.tenants} tenant(s), ${s.helmLints} helm lint(s), ${s.renders} render(s) of ${s.objects} object(s)` +
      ` in ${formatDuration(s.ms)} (parallel ${s.concurrency}${perRender ? `, ${perRender} ms per render` : ''}${s.cachedRenders ? `, ${s.cachedRenders} from the render cache` : ''}${s.dependencyBuilds ? `, ${s.dependencyBuilds} dependency build(s)` : ''})`,
  );
  return lines.join('\n');
}

export function formatJson(r: LintResult, extras: FormatExtras = {}): string {
  return JSON.stringify({ ...counts(r), findings: r.findings, exceptions: r.waived, stats: r.stats, notes: r.notes, ...(extras.changed ? { changed: extras.changed } : {}) }, null, 2);
}

const ghData = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const ghProp = (s: string) => ghData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

/** GitHub Actions workflow commands: one ::error/::warning per finding, file and line when known. */
export function formatGithub(r: LintResult): string {
  const lines = r.findings.map((f) => {
    const props = [f.file ? `file=${ghProp(f.file)}` : '', f.line ? `line=${f.line}` : '', f.column ? `col=${f.column}` : '', `title=${ghProp(`${f.rule}${f.target ? ` (${f.target})` : ''}`)}`].filter(Boolean).join(',');
    const obj = f.object ? `${describeRef(f.object)}${f.path ? ` ${f.path}` : ''}: ` : f.path ? `${f.path}: ` : '';
    return `::${f.severity === 'error' ? 'error' : 'warning'} ${props}::${ghData(obj + f.message)}`;
  });
  for (const w of r.waived) lines.push(`::notice title=${ghProp(`policy exception ${w.rule}`)}::${ghData(`${w.object ? describeRef(w.object) : ''}: ${w.reason}`)}`);
  const { errors, warnings } = counts(r);
  lines.push(`logclaw lint: ${errors} error(s), ${warnings} warning(s), ${r.stats.renders} render(s), ${r.waived.length} exception(s)`);
  return lines.join('\n');
}

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** JUnit XML: a testsuite per target (tenant, chart, helmfile.d), a testcase per chart in it. */
export function formatJunit(r: LintResult): string {
  const suites = new Map<string, Map<string, Finding[]>>();
  for (const f of r.findings) {
    const t = f.target ?? 'repository';
    if (!suites.has(t)) suites.set(t, new Map());
    const m = suites.get(t)!;
    const c = f.chart ?? 'checks';
    m.set(c, [...(m.get(c) ?? []), f]);
  }
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const total = [...suites.values()].reduce((n, m) => n + m.size, 0) || 1;
  const failures = [...suites.values()].reduce((n, m) => n + [...m.values()].filter((fs) => fs.some((f) => f.severity === 'error')).length, 0);
  out.push(`<testsuites name="logclaw lint" tests="${total}" failures="${failures}" time="${junitSeconds(r.stats.ms)}">`);
  if (!suites.size) {
    out.push(`  <testsuite name="logclaw lint" tests="1" failures="0"><testcase classname="logclaw lint" name="all checks"/></testsuite>`);
  }
  for (const [target, charts] of suites) {
    const fails = [...charts.values()].filter((fs) => fs.some((f) => f.severity === 'error')).length;
    out.push(`  <testsuite name="${xml(target)}" tests="${charts.size}" failures="${fails}">`);
    for (const [chart, fs] of charts) {
      out.push(`    <testcase classname="${xml(target)}" name="${xml(chart)}">`);
      const errs = fs.filter((f) => f.severity === 'error');
      const body = fs.map((f) => `${f.severity} ${f.rule} ${f.object ? describeRef(f.object) + ' ' : ''}${f.path ?? ''}\n  ${f.message}\n  ${location(f)}`).join('\n');
      if (errs.length) out.push(`      <failure message="${xml(`${errs.length} error(s): ${errs[0]!.rule}: ${errs[0]!.message}`)}" type="lint">${xml(body)}</failure>`);
      else out.push(`      <system-out>${xml(body)}</system-out>`);
      out.push('    </testcase>');
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return out.join('\n');
}

export function formatLint(r: LintResult, format: LintFormat, out?: Output, extras: FormatExtras = {}): string {
  switch (format) {
    case 'json':
      return formatJson(r, extras);
    case 'github':
      return formatGithub(r);
    case 'junit':
      return formatJunit(r);
    default:
      return formatPretty(r, out, extras);
  }
}
