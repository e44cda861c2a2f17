/** How a tenant diff and its safety verdicts look on a terminal (pure: returns text). */
import type { Output } from '../output.js';
import type { SafetyFinding, Verdict } from '../safety/types.js';
import type { TenantDiff } from './index.js';

export const verdictStyle: Record<Verdict, 'green' | 'cyan' | 'yellow' | 'red' | 'magenta'> = {
  safe: 'green',
  restart: 'cyan',
  disruptive: 'yellow',
  immutable: 'magenta',
  'data-loss': 'red',
};

export function formatDiffBody(d: TenantDiff, o: Output): string {
  const out: string[] = [];
  for (const x of d.objects) {
    const tag = x.action === 'update' ? x.verdict : `${x.action}${x.verdict !== 'safe' ? `, ${x.verdict}` : ''}`;
    out.push(`${o.style('bold', `${x.kind} ${x.namespace ? `${x.namespace}/` : ''}${x.name}`)}  ${o.style(verdictStyle[x.verdict], `(${tag})`)}`);
    if (x.notServed) out.push(o.style('dim', `# the cluster does not serve ${x.apiVersion} yet (operator CRD missing): shown as rendered`));
    if (x.serverError) out.push(o.style('dim', `# the API server refuses this update: ${x.serverError}`));
    for (const line of x.diff.replace(/\n$/, '').split('\n')) {
      if (line.startsWith('@@')) out.push(o.style('cyan', line));
      else if (line.startsWith('+')) out.push(o.style('green', line));
      else if (line.startsWith('-')) out.push(o.style('red', line));
      else out.push(line);
    }
    out.push('');
  }
  return out.join('\n');
}

export function formatFindings(findings: SafetyFinding[], o: Pick<Output, 'style'>, only?: (f: SafetyFinding) => boolean): string {
  const shown = findings.filter((f) => f.verdict !== 'safe' && (!only || only(f)));
  if (!shown.length) return '';
  const width = Math.max(...shown.map((f) => f.verdict.length));
  const lines: string[] = [];
  for (const f of shown) {
    lines.push(`  ${o.style(verdictStyle[f.verdict], f.verdict.padEnd(width))}  ${f.object}: ${f.message}`);
    if (f.fix) lines.push(`  ${' '.repeat(width)}  ${o.style('dim', 'fix:')} ${f.fix}`);
  }
  return lines.join('\n');
}

export function formatSummary(d: TenantDiff, o: Output): string {
  const s = d.summary;
  const lines: string[] = [];
  const findings = formatFindings(d.assessment.findings, o);
  if (findings) lines.push(o.style('bold', 'Change safety:'), findings, '');
  if (d.assessment.restarts.length) lines.push(`Pods that roll: ${d.assessment.restarts.join(', ')}`);
  const hooks = d.releases.flatMap((r) => (r.changed ? r.hooks : []));
  if (hooks.length) lines.push(o.style('dim', `Hooks the upgrade runs: ${hooks.join(', ')}`));
  lines.push(
    d.changed
      ? `${o.style('bold', 'Summary:')} ${s.create} to create, ${s.update} to change, ${s.delete} to delete, ${s.unchanged} unchanged (tenant ${d.tenantId}, context ${d.context}); verdict ${o.style(verdictStyle[d.assessment.verdict], d.assessment.verdict)}`
      : `no changes: ${s.unchanged} objects of tenant ${d.tenantId} match the cluster (context ${d.context})`,
  );
  return lines.join('\n');
}
