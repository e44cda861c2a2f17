/**
 * logclaw-common as its README promises: every helper is named logclaw.<file>.<fn> after the file that defines it,
 * has a `Usage:` comment right above its define, and a row in the README's helper table.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/tools.js';

const dir = join(repoRoot, 'charts', 'logclaw-common');
const files = readdirSync(join(dir, 'templates')).filter((f) => f.endsWith('.tpl'));
const helpers = files.flatMap((file) => {
  const text = readFileSync(join(dir, 'templates', file), 'utf8');
  return [...text.matchAll(/\{\{-? define "([^"]+)" -?\}\}/g)].map((m) => {
    const before = text.slice(0, m.index);
    const comment = before.slice(before.lastIndexOf('{{/*'));
    return { file, name: m[1]!, comment: comment.includes('*/}}') && before.trimEnd().endsWith('*/}}') ? comment : '' };
  });
});
const readme = readFileSync(join(dir, 'README.md'), 'utf8');

describe('logclaw-common helpers', () => {
  it('are defined', () => {
    expect(helpers.length).toBeGreaterThan(30);
  });

  it.each(helpers.map((h) => [h.name, h] as const))('%s: named after its file, with a Usage comment and a README row', (_name, h) => {
    const stem = h.file.replace(/^_/, '').replace(/\.tpl$/, '');
    expect(h.name.startsWith(`logclaw.${stem}.`), `${h.name} in ${h.file}`).toBe(true);
    expect(h.comment).toMatch(new RegExp(`Usage: .*${h.name.replace(/\./g, '\\.')}`));
    expect(readme).toContain(`| \`${h.name}\` | ${h.file} |`);
  });
});
