/** The one watch loop: hands over the first view and each changed one, reads once per burst of wake-ups, stops on abort. */
import { describe, expect, it } from 'vitest';
import { every, watchChanges, type Wake } from '../../src/kube/watch.js';

describe('watchChanges', () => {
  it('hands over the first view and every changed one, never an unchanged one, and stops when the signal aborts', async () => {
    const ac = new AbortController();
    const views = ['a', 'a', 'b', 'b', 'c'];
    let reads = 0;
    let trigger: () => void = () => undefined;
    let stopped = false;
    const wake: Wake = (again) => {
      trigger = again;
      return () => (stopped = true);
    };
    const seen: string[] = [];
    const loop = watchChanges({
      read: async () => views[Math.min(reads++, views.length - 1)]!,
      key: (v) => v,
      onChange: (v) => seen.push(v),
      wake,
      signal: ac.signal,
    });
    const tick = () => new Promise((r) => setImmediate(r));
    await tick();
    for (let i = 0; i < 4; i++) {
      trigger();
      await tick();
    }
    expect(seen).toEqual(['a', 'b', 'c']);
    expect(reads).toBe(5);
    ac.abort();
    await loop;
    expect(stopped).toBe(true);
  });

  it('reads once for a burst of wake-ups that come while a read runs', async () => {
    const ac = new AbortController();
    let reads = 0;
    let trigger: () => void = () => undefined;
    let release: () => void = () => undefined;
    const loop = watchChanges({
      read: async () => {
        reads++;
        if (reads === 1) await new Promise<void>((r) => (release = r));
        return reads;
      },
      key: String,
      onChange: () => undefined,
      wake: (again) => ((trigger = again), () => undefined),
      signal: ac.signal,
    });
    await new Promise((r) => setImmediate(r));
    for (let i = 0; i < 10; i++) trigger();
    release();
    await new Promise((r) => setTimeout(r, 20));
    expect(reads).toBe(2);
    ac.abort();
    await loop;
  });

  it('polls with every(ms)', async () => {
    const ac = new AbortController();
    let reads = 0;
    const loop = watchChanges({ read: () => ++reads, key: String, onChange: () => undefined, wake: every(10), signal: ac.signal });
    await new Promise((r) => setTimeout(r, 75));
    ac.abort();
    await loop;
    expect(reads).toBeGreaterThanOrEqual(3);
  });
});
