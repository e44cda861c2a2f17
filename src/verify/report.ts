/**
 * Reporters of `logclaw verify`: the pretty text for people, JUnit XML for CI (one testcase per step:
 * failures carry the hop, evidence and hint; skips carry their reason). JSON is the report itself.
 */
import type { Output } from '../output.js';
import { formatDuration, junitSeconds } from '../duration.js';
import type { StepResult, VerifyReport } from './types.js';

const ICON = { pass: '✓', fail: '✗', skip: '-' } as const;

export function prettyStep(r: StepResult, o: Pick<Output, 'style'>, width = 24): string {
  const icon = r.status === 'pass' ? o.style('green', ICON.pass) : r.status === 'fail' ? o.style('red', ICON.fail) : o.style('yellow', ICON.skip);
  const title = `${r.n} ${r.title}`.padEnd(width);
  const lines = [`${icon} ${title} ${formatDuration(r.durationMs).padStart(6)}  ${r.status === 'skip' ? `skipped: ${r.summary.replace(/^not run: /, '')}` : r.summary}`];
  const indent = ' '.repeat(4);
  if (r.status === 'fail' && r.hop) lines.push(`${indent}${o.style('bold', 'hop:')} ${r.hop}`);
  for (const e of r.evidence) lines.push(`${indent}${o.style('dim', e)}`);
  if (r.status === 'fail' && r.hint) lines.push(`${indent}${o.style('cyan', 'hint:')} ${r.hint}`);
  return lines.join('\n');
}

export function prettyHeader(v: Pick<VerifyReport, 'tenant' | 'namespace' | 'context' | 'environment' | 'marker'>): string {
  return `verify tenant ${v.tenant} (namespace ${v.namespace}, context ${v.context}, ${v.environment}), marker ${v.marker}`;
}

export function prettyFooter(v: VerifyReport, o: Pick<Output, 'style'>): string {
  const lines: string[] = [];
  if (v.cleanup.removed.length) lines.push(o.style('dim', `cleanup: removed ${v.cleanup.removed.join('; ')}`));
  if (v.cleanup.kept.length) lines.push(o.style('dim', `kept (--keep-data): ${v.cleanup.kept.join('; ')}`));
  for (const p of v.cleanup.problems) lines.push(o.style('yellow', `cleanup problem: ${p}`));
  const counts = `${v.passed} passed, ${v.failed} failed, ${v.skipped} skipped in ${formatDuration(v.durationMs)}`;
  const firstFail = v.steps.find((s) => s.status === 'fail');
  if (v.interrupted) lines.push(o.style('yellow', `interrupted: ${counts}`));
  else if (firstFail) lines.push(o.style('red', `FAILED at step ${firstFail.n} (${firstFail.title}): ${firstFail.hop ?? firstFail.summary} — ${counts}`));
  else lines.push(o.style('green', `pipeline OK: ${counts}`));
  return lines.join('\n');
}

/** The whole report as text (used when steps were not streamed as they ran). */
export function pretty(v: VerifyReport, o: Pick<Output, 'style'>): string {
  return [prettyHeader(v), ...v.steps.map((s) => prettyStep(s, o)), prettyFooter(v, o)].join('\n');
}

// XML 1.0 forbids most control characters; escape the five specials and drop the rest.
// eslint-disable-next-line no-control-regex
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;
export const xmlEscape = (s: string): string =>
  s.replace(INVALID_XML, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');

export function junit(v: VerifyReport): string {
  const suite = `logclaw verify ${v.tenant}`;
  const classname = `logclaw.verify.${v.tenant}`;
  const cases = v.steps.map((s) => {
    const name = `${s.n} ${s.title}`;
    const open = `    <testcase classname="${xmlEscape(classname)}" name="${xmlEscape(name)}" time="${junitSeconds(s.durationMs)}"`;
    const body = [...(s.hop ? [`hop: ${s.hop}`] : []), ...s.evidence, ...(s.hint ? [`hint: ${s.hint}`] : [])].join('\n');
    if (s.status === 'pass') {
      return `${open}>\n      <system-out>${xmlEscape([s.summary, ...s.evidence].join('\n'))}</system-out>\n    </testcase>`;
    }
    if (s.status === 'skip') return `${open}>\n      <skipped message="${xmlEscape(s.summary)}"/>\n    </testcase>`;
    return `${open}>\n      <failure message="${xmlEscape(s.summary)}" type="${xmlEscape(s.hop ?? 'failure')}">${xmlEscape(body)}</failure>\n    </testcase>`;
  });
  const props = [
    ['tenant', v.tenant],
    ['namespace', v.namespace],
    ['context', v.context],
    ['environment', v.environment],
    ['marker', v.marker],
  ]
    .map(([k, val]) => `      <property name="${k}" value="${xmlEscape(String(val))}"/>`)
    .join('\n');
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="logclaw verify" tests="${v.steps.length}" failures="${v.failed}" errors="0" skipped="${v.skipped}" time="${junitSeconds(v.durationMs)}">`,
    `  <testsuite name="${xmlEscape(suite)}" tests="${v.steps.length}" failures="${v.failed}" errors="0" skipped="${v.skipped}" time="${junitSeconds(v.durationMs)}" timestamp="${v.startedAt}">`,
    '    <properties>',
    props,
    '    </properties>',
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
