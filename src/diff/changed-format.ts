/**
 * `diff --changed` output formats (pure: return text): pretty (terminal), json, github (workflow annotations on
 * the tenant files), markdown (a pull-request comment under GitHub's 65,536-character limit), junit.
 */
import type { Output } from '../output.js';
import { verdictRank, VERDICTS, type SafetyFinding } from '../safety/types.js';
import { failing, type ChangedDiff, type ChangeGroup, type FailOn, type ObjectChangeRecord, type TargetDiff } from './changed.js';
import { formatFindings, verdictStyle } from './format.js';
import { junitSeconds } from '../duration.js';

export const CHANGED_FORMATS = ['pretty', 'json', 'github', 'markdown', 'junit'] as const;
export type ChangedFormat = (typeof CHANGED_FORMATS)[number];

/** GitHub's limit on an issue or pull-request comment body. */
export const COMMENT_LIMIT = 65_536;

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const names = (xs: string[], max: number) => (xs.length <= max ? xs.join(', ') : `${xs.slice(0, max).join(', ')} and ${xs.length - max} more`);
const short = (t: string) => t.replace(/^tenant /, '');

function headline(d: ChangedDiff): string {
  const s = d.summary;
  const ci = d.selection.scope.ciCases.length;
  return `${plural(s.tenantsChanged, 'tenant')} of ${s.tenantsSelected} selected change${ci ? `, ${s.ciCasesChanged} of ${plural(ci, 'ci case')}` : ''}; ${plural(s.groups, 'group')} of identical change`;
}

function verdictLine(d: ChangedDiff, failOn: FailOn): string {
  const f = failing(d, failOn);
  const errors = d.targets.filter((t) => t.status === 'error');
  const base = d.summary.tenantsChanged + d.summary.ciCasesChanged === 0 && !errors.length ? 'no change to any rendered object' : `verdict ${d.verdict}`;
  return `${base}; ${f.length ? `${plural(f.length, 'target')} at or above ${failOn}${errors.some((t) => t.error?.side === 'head') ? ' or failing to render' : ''}: check fails` : `nothing at or above ${failOn}: check passes`}`;
}

const actionTag = (x: ObjectChangeRecord) => (x.action === 'update' ? x.verdict : `${x.action}${x.verdict !== 'safe' ? `, ${x.verdict}` : ''}`);

// ---------------------------------------------------------------------------------------------- pretty

export function formatChangedPretty(d: ChangedDiff, o: Output, failOn: FailOn = 'immutable'): string {
  const lines: string[] = [];
  const s = d.summary;
  lines.push(o.style('bold', `Fleet: ${headline(d)}`));
  if (s.tenantsChanged + s.ciCasesChanged) {
    const w = Math.max(...VERDICTS.map((v) => v.length));
    for (const v of [...VERDICTS].reverse()) if (s.byVerdict[v]) lines.push(`  ${o.style(verdictStyle[v], v.padEnd(w))}  ${plural(s.byVerdict[v], 'target')}`);
    lines.push(o.style('bold', 'Objects changing most often:'));
    const n = Math.max(...s.topObjects.map((t) => String(t.targets).length));
    for (const t of s.topObjects) lines.push(`  ${String(t.targets).padStart(n)}  ${t.action.padEnd(6)}  ${t.object}  ${o.style(verdictStyle[t.verdict], `(${t.verdict})`)}`);
  }
  for (const t of d.targets.filter((x) => x.status === 'error')) lines.push(o.style('red', `✗ ${t.target}: the ${t.error!.side === 'base' ? 'merge base' : 'change'} does not render: ${t.error!.message}`));
  for (const g of d.groups) {
    lines.push('');
    lines.push(o.style('bold', `Group ${g.id + 1}: ${o.style(verdictStyle[g.verdict], g.verdict)}, ${plural(g.targets.length, 'target')}: ${names(g.targets.map(short), 8)}`));
    lines.push(...groupBody(g, d, o));
  }
  lines.push('');
  lines.push(o.style('dim', `renders: base ${d.renders.base.total} (${d.renders.base.cached} from the render cache), head ${d.renders.head.total} (${d.renders.head.cached} from the render cache); helm ${d.helmVersion}, Kubernetes ${d.kubeVersion}`));
  lines.push(`${o.style('bold', 'Summary:')} ${verdictLine(d, failOn)}`);
  return lines.join('\n');
}

function groupBody(g: ChangeGroup, d: ChangedDiff, o: Output): string[] {
  const lines: string[] = [];
  const counts = { create: 0, update: 0, delete: 0 };
  for (const x of g.objects) counts[x.action]++;
  const example = d.targets.find((t) => t.target === g.example)!;
  const status = example.status === 'added' ? ' (new: only at HEAD)' : example.status === 'removed' ? ' (removed: only at the base)' : '';
  lines.push(`  ${counts.create} to create, ${counts.update} to change, ${counts.delete} to delete${status}; shown for ${g.example}`);
  const f = formatFindings(g.findings, o);
  if (f) lines.push('  Change safety:', ...f.split('\n').map((l) => `  ${l}`));
  if (g.restarts.length) lines.push(`  Pods that roll: ${g.restarts.join(', ')}`);
  if (g.unknownOffline.length) {
    lines.push('  Unknown offline:');
    for (const u of g.unknownOffline) lines.push(`    ${u.object}: ${u.what}`);
  }
  for (const x of g.objects) {
    lines.push(`  ${o.style('bold', x.ref)}  ${o.style(verdictStyle[x.verdict], `(${actionTag(x)})`)}`);
    for (const line of x.diff.replace(/\n$/, '').split('\n')) {
      if (!line) continue;
      const st = line.startsWith('@@') ? 'cyan' : line.startsWith('+') ? 'green' : line.startsWith('-') ? 'red' : undefined;
      lines.push(`    ${st ? o.style(st, line) : line}`);
    }
  }
  return lines;
}

// ---------------------------------------------------------------------------------------------- json

export function formatChangedJson(d: ChangedDiff, failOn: FailOn = 'immutable'): string {
  const f = failing(d, failOn);
  return JSON.stringify({ ...d, failOn, failing: f.map((t) => t.target), passed: f.length === 0 }, null, 2);
}

// ---------------------------------------------------------------------------------------------- github

const ghData = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const ghProp = (s: string) => ghData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
const findingLine = (f: SafetyFinding) => `${f.verdict} ${f.object}: ${f.message}${f.fix ? ` (fix: ${f.fix})` : ''}`;

/** One annotation per target that changes (on its tenant or ci file): error at or above the bar, warning for restart/disruptive, notice otherwise. */
export function formatChangedGithub(d: ChangedDiff, failOn: FailOn = 'immutable'): string {
  const fails = new Set(failing(d, failOn).map((t) => t.target));
  const lines: string[] = [];
  for (const t of d.targets) {
    if (t.status === 'unchanged') continue;
    const level = fails.has(t.target) ? 'error' : t.status === 'error' || verdictRank(t.verdict) >= verdictRank('restart') ? 'warning' : 'notice';
    const title = t.status === 'error' ? `logclaw diff: ${t.target} does not render at the ${t.error!.side === 'base' ? 'merge base' : 'change'}` : `logclaw diff: ${t.verdict} (${t.target})`;
    const body =
      t.status === 'error'
        ? t.error!.message
        : [
            `${t.objects.filter((x) => x.action === 'create').length} to create, ${t.objects.filter((x) => x.action === 'update').length} to change, ${t.objects.filter((x) => x.action === 'delete').length} to delete${t.group !== undefined ? ` (group ${t.group + 1} of ${d.groups.length})` : ''}`,
            ...t.findings.filter((f) => f.verdict !== 'safe').map(findingLine),
            ...(t.restarts.length ? [`pods that roll: ${t.restarts.join(', ')}`] : []),
            ...t.unknownOffline.map((u) => `unknown offline: ${u.object}: ${u.what}`),
          ].join('\n');
    lines.push(`::${level} file=${ghProp(t.file)},title=${ghProp(title)}::${ghData(body)}`);
  }
  lines.push(`logclaw diff --changed: ${headline(d)}; ${verdictLine(d, failOn)}`);
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------- markdown

const md = (s: string) => s.replace(/([\\`*_[\]<>|])/g, '\\$1');
const code = (s: string) => `\`${s.replace(/`/g, "'")}\``;
/** A group's diffs are cut after this many characters (the rest of the comment stays readable). */
const MAX_DIFF = 6_000;
const VERDICT_MARK: Record<string, string> = { safe: '🟢', restart: '🔵', disruptive: '🟡', immutable: '🟣', 'data-loss': '🔴' };

function mdGroupHead(g: ChangeGroup): string {
  return `\n<details><summary>${VERDICT_MARK[g.verdict]} <b>${g.verdict}</b>, group ${g.id + 1}: ${plural(g.targets.length, 'target')} (${md(names(g.targets.map(short), 12))})</summary>\n\n`;
}

function mdGroup(g: ChangeGroup, d: ChangedDiff, withDiff: boolean, maxDiff: number): { text: string; diffCut: boolean } {
  const out: string[] = [mdGroupHead(g)];
  const example = d.targets.find((t) => t.target === g.example)!;
  const counts = { create: 0, update: 0, delete: 0 };
  for (const x of g.objects) counts[x.action]++;
  out.push(`${counts.create} to create, ${counts.update} to change, ${counts.delete} to delete${example.status === 'added' ? ' (new)' : example.status === 'removed' ? ' (removed)' : ''}; shown for ${md(g.example)}.\n`);
  if (g.targets.length > 12) out.push(`\nTargets: ${md(names(g.targets.map(short), 300))}\n`);
  const fs = g.findings.filter((f) => f.verdict !== 'safe');
  if (fs.length) {
    out.push('\n| verdict | object | what | fix |\n|---|---|---|---|\n');
    for (const f of fs) out.push(`| ${VERDICT_MARK[f.verdict]} ${f.verdict} | ${code(f.object)} | ${md(f.message)} | ${f.fix ? md(f.fix) : ''} |\n`);
  }
  if (g.restarts.length) out.push(`\n**Pods that roll:** ${g.restarts.map(code).join(', ')}\n`);
  if (g.unknownOffline.length) {
    out.push('\n**Unknown offline** (only the cluster knows):\n');
    for (const u of g.unknownOffline) out.push(`- ${code(u.object)}: ${md(u.what)}\n`);
  }
  let diffCut = false;
  if (withDiff && g.objects.length) {
    let body = g.objects.map((x) => `# ${x.ref} (${actionTag(x)})\n${x.diff}`).join('');
    if (body.length > maxDiff) {
      const kept = body.slice(0, maxDiff);
      const cutLines = body.slice(maxDiff).split('\n').length;
      body = `${kept.slice(0, kept.lastIndexOf('\n') + 1)}# … ${cutLines} more line(s) cut\n`;
      diffCut = true;
    }
    out.push(`\n\`\`\`diff\n${body.replace(/```/g, '``\u200b`')}\`\`\`\n`);
  }
  out.push('\n</details>\n');
  return { text: out.join(''), diffCut };
}

/** A pull-request comment: the fleet summary, then one collapsed section per group; never over `limit` characters. */
export function formatChangedMarkdown(d: ChangedDiff, failOn: FailOn = 'immutable', limit = COMMENT_LIMIT): string {
  const s = d.summary;
  const head: string[] = [];
  const failed = failing(d, failOn).length > 0;
  head.push(`### ${failed ? '❌' : '✅'} logclaw diff: ${s.tenantsChanged + s.ciCasesChanged ? `${VERDICT_MARK[d.verdict]} ${d.verdict}` : 'no rendered object changes'}\n\n`);
  head.push(`Against ${code(d.base)} (merge base ${code(d.mergeBase.slice(0, 12))}): ${md(headline(d))}. ${md(verdictLine(d, failOn))}.\n`);
  if (s.tenantsChanged + s.ciCasesChanged) {
    head.push('\n| verdict | targets |\n|---|---:|\n');
    for (const v of [...VERDICTS].reverse()) if (s.byVerdict[v]) head.push(`| ${VERDICT_MARK[v]} ${v} | ${s.byVerdict[v]} |\n`);
    head.push('\n**Objects changing most often**\n\n| object | change | verdict | targets |\n|---|---|---|---:|\n');
    for (const t of s.topObjects) head.push(`| ${code(t.object)} | ${t.action} | ${t.verdict} | ${t.targets} |\n`);
  }
  const errors = d.targets.filter((t) => t.status === 'error');
  if (errors.length) {
    head.push(`\n**${plural(errors.length, 'target')} that do not render:**\n`);
    for (const t of errors.slice(0, 20)) head.push(`- ${md(t.target)} (${t.error!.side === 'base' ? 'merge base' : 'change'}): ${md(t.error!.message)}\n`);
    if (errors.length > 20) head.push(`- and ${errors.length - 20} more\n`);
  }
  const foot = `\n<sub>logclaw diff --changed: render against render (helm ${d.helmVersion}, Kubernetes ${d.kubeVersion}), no cluster; \`logclaw diff --tenant ID\` compares with a live cluster.</sub>\n`;
  const cutNote = (c: { shortened: number; diffs: number; groups: number; targets: number }) => {
    const what = [
      c.shortened ? `the diffs of ${plural(c.shortened, 'group')} cut after ${MAX_DIFF.toLocaleString('en-US')} characters` : '',
      c.diffs ? `the diffs of ${plural(c.diffs, 'group')} left out` : '',
      c.groups ? `${plural(c.groups, 'group')} (${plural(c.targets, 'target')}) left out` : '',
    ].filter(Boolean);
    return `\n> **Cut to fit a comment (${limit.toLocaleString('en-US')} characters):** ${what.join('; ')}; \`logclaw diff --changed --format json\` has everything.\n`;
  };
  const full = d.groups.map((g) => mdGroup(g, d, true, MAX_DIFF));
  const cut = { shortened: 0, diffs: 0, groups: 0, targets: 0 };
  const reserve = cutNote({ shortened: 999_999, diffs: 999_999, groups: 999_999, targets: 999_999 }).length + foot.length;
  const fitsWhole = head.join('').length + full.reduce((n, f) => n + f.text.length, 0) + reserve <= limit;
  let text = head.join('');
  d.groups.forEach((g, i) => {
    const room = limit - reserve - text.length;
    const f = full[i]!;
    if (fitsWhole || f.text.length <= room) {
      text += f.text;
      if (f.diffCut) cut.shortened++;
      return;
    }
    const brief = mdGroup(g, d, false, 0);
    if (brief.text.length <= room) {
      text += brief.text;
      cut.diffs++;
    } else {
      cut.groups++;
      cut.targets += g.targets.length;
    }
  });
  if (cut.shortened || cut.diffs || cut.groups) text += cutNote(cut);
  return text + foot;
}

// ---------------------------------------------------------------------------------------------- junit

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A testcase per rendered target; a failure when its verdict is at or above the bar (or it does not render at HEAD). */
export function formatChangedJunit(d: ChangedDiff, failOn: FailOn = 'immutable'): string {
  const fails = new Set(failing(d, failOn).map((t) => t.target));
  const out = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const time = junitSeconds(d.ms);
  const n = Math.max(1, d.targets.length);
  out.push(`<testsuites name="logclaw diff --changed" tests="${n}" failures="${fails.size}" time="${time}">`);
  out.push(`  <testsuite name="logclaw diff --changed (base ${xml(d.base)})" tests="${n}" failures="${fails.size}" time="${time}">`);
  if (!d.targets.length) out.push('    <testcase classname="logclaw diff" name="no tenant selected by the change"/>');
  for (const t of d.targets) {
    const body = describeTarget(t);
    out.push(`    <testcase classname="${t.tenant ? 'tenant' : 'ci case'}" name="${xml(t.target)}">`);
    if (fails.has(t.target)) {
      const message = t.status === 'error' ? `does not render: ${t.error!.message}` : `${t.verdict}: ${t.findings.find((f) => f.verdict === t.verdict)?.message ?? ''}`;
      out.push(`      <failure message="${xml(message)}" type="${t.status === 'error' ? 'render' : t.verdict}">${xml(body)}</failure>`);
    } else out.push(`      <system-out>${xml(body)}</system-out>`);
    out.push('    </testcase>');
  }
  out.push('  </testsuite>', '</testsuites>');
  return out.join('\n');
}

function describeTarget(t: TargetDiff): string {
  if (t.status === 'error') return `${t.error!.side}: ${t.error!.message}`;
  if (t.status === 'unchanged') return `no change (${t.unchanged} object(s) render the same)`;
  return [
    `${t.status}: ${t.objects.map((x) => `${x.action} ${x.ref} (${x.verdict})`).join(', ')}`,
    ...t.findings.filter((f) => f.verdict !== 'safe').map(findingLine),
    ...(t.restarts.length ? [`pods that roll: ${t.restarts.join(', ')}`] : []),
    ...t.unknownOffline.map((u) => `unknown offline: ${u.object}: ${u.what}`),
  ].join('\n');
}

export function formatChanged(d: ChangedDiff, format: ChangedFormat, o: Output, failOn: FailOn = 'immutable'): string {
  switch (format) {
    case 'json':
      return formatChangedJson(d, failOn);
    case 'github':
      return formatChangedGithub(d, failOn);
    case 'markdown':
      return formatChangedMarkdown(d, failOn);
    case 'junit':
      return formatChangedJunit(d, failOn);
    default:
      return formatChangedPretty(d, o, failOn);
  }
}
