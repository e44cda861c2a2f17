/**
 * The release DAG: releases from helmfile.d with the `needs:` they declare. Pure: validation (unknown needs,
 * cycles), waves for display, the critical path for a set of durations, selection of a subset with everything
 * it needs.
 */
import { LogclawError } from '../errors.js';

export interface PlanRelease {
  /** `namespace/name`: helmfile's own way to name a release in `needs:`. */
  id: string;
  name: string;
  namespace: string;
  chart: string;
  /** The helmfile.d state file that declares it (installs select it there). */
  file: string;
  /** Ids of the releases it needs (resolved). */
  needs: string[];
  labels: Record<string, string>;
}

/**
 * Resolve a `needs:` entry (`name`, `namespace/name` or `kubecontext/namespace/name`) against the releases.
 * A bare name resolves when exactly one release has it.
 */
export function resolveNeed(need: string, from: { namespace: string }, releases: ReadonlyArray<Pick<PlanRelease, 'id' | 'name' | 'namespace'>>): string | undefined {
  const parts = need.split('/');
  if (parts.length >= 2) {
    const [ns, name] = parts.slice(-2) as [string, string];
    return releases.find((r) => r.namespace === ns && r.name === name)?.id;
  }
  const same = releases.find((r) => r.name === need && r.namespace === from.namespace);
  if (same) return same.id;
  const byName = releases.filter((r) => r.name === need);
  return byName.length === 1 ? byName[0]!.id : undefined;
}

/** Throws (exit 1) on a `needs` that names no release, or a cycle; returns the releases in a valid order. */
export function validate(releases: PlanRelease[]): PlanRelease[] {
  const byId = new Map(releases.map((r) => [r.id, r]));
  for (const r of releases) {
    for (const n of r.needs) {
      if (!byId.has(n)) throw new LogclawError(`release ${r.id} (${r.file}) needs ${n}, which no helmfile.d file declares`, { hint: 'Fix the `needs:` entry or add the release.' });
    }
  }
  const order: PlanRelease[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (r: PlanRelease, path: string[]) => {
    const s = state.get(r.id);
    if (s === 'done') return;
    if (s === 'visiting') {
      const cycle = [...path.slice(path.indexOf(r.id)), r.id];
      throw new LogclawError(`the releases' needs form a cycle: ${cycle.join(' → ')}`, { hint: 'Remove one of these `needs:` entries.' });
    }
    state.set(r.id, 'visiting');
    for (const n of r.needs) visit(byId.get(n)!, [...path, r.id]);
    state.set(r.id, 'done');
    order.push(r);
  };
  for (const r of releases) visit(r, []);
  return order;
}

/** Releases grouped in waves: each wave needs only earlier waves (what runs in parallel, for display). */
export function waves(releases: PlanRelease[]): PlanRelease[][] {
  const level = new Map<string, number>();
  for (const r of validate(releases)) level.set(r.id, Math.max(-1, ...r.needs.map((n) => level.get(n)!)) + 1);
  const out: PlanRelease[][] = [];
  for (const r of releases) (out[level.get(r.id)!] ??= []).push(r);
  return out;
}

/** The longest chain of durations through the DAG (what a perfectly parallel install cannot beat). */
export function criticalPath(releases: PlanRelease[], duration: (r: PlanRelease) => number): { ms: number; path: string[] } {
  const best = new Map<string, { ms: number; path: string[] }>();
  for (const r of validate(releases)) {
    const prev = r.needs.map((n) => best.get(n)!).sort((a, b) => b.ms - a.ms)[0] ?? { ms: 0, path: [] };
    best.set(r.id, { ms: prev.ms + duration(r), path: [...prev.path, r.id] });
  }
  return [...best.values()].sort((a, b) => b.ms - a.ms)[0] ?? { ms: 0, path: [] };
}

/**
 * Keep the releases matched by `only` (release names, or component names that a release name ends with or
 * carries as label `component`) and everything they need, transitively.
 */
export function select(releases: PlanRelease[], only: string[] | undefined): PlanRelease[] {
  if (!only?.length) return releases;
  const byId = new Map(releases.map((r) => [r.id, r]));
  const wanted = new Set<string>();
  const unknown: string[] = [];
  for (const o of only) {
    const hits = releases.filter((r) => r.name === o || r.labels.component === o || r.name.endsWith(`-${o}`));
    if (!hits.length) unknown.push(o);
    for (const h of hits) wanted.add(h.id);
  }
  if (unknown.length) {
    throw new LogclawError(`--only names no release: ${unknown.join(', ')}`, {
      exitCode: 2,
      hint: `Releases: ${releases.map((r) => r.name).join(', ')}`,
    });
  }
  const add = (id: string) => {
    for (const n of byId.get(id)!.needs) if (!wanted.has(n)) (wanted.add(n), add(n));
  };
  for (const id of [...wanted]) add(id);
  return releases.filter((r) => wanted.has(r.id));
}
