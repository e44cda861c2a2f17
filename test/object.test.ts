// The small helpers over JSON-like data (src/object.ts).
import { describe, expect, it } from 'vitest';
import { asArray, asRecord, get, isRecord } from '../src/object.js';

describe('object helpers', () => {
  it('isRecord and asRecord: plain objects only (not null, not arrays)', () => {
    expect([{}, { a: 1 }, null, undefined, [], 'x', 3].map(isRecord)).toEqual([true, true, false, false, false, false, false]);
    const o = { a: 1 };
    expect(asRecord(o)).toBe(o);
    expect([null, [1], 'x'].map(asRecord)).toEqual([{}, {}, {}]);
  });

  it('asArray: the array itself, else an empty one', () => {
    const a = [1, 2];
    expect(asArray(a)).toBe(a);
    expect([undefined, {}, 'ab'].map((v) => asArray(v))).toEqual([[], [], []]);
  });

  it('get: one argument per step, indices as numbers, keys with dots as they are, undefined where a step is missing', () => {
    const o = { spec: { containers: [{ name: 'c' }], config: { 'cleanup.policy': 'compact' } } };
    expect(get(o, 'spec', 'containers', 0, 'name')).toBe('c');
    expect(get(o, 'spec', 'config', 'cleanup.policy')).toBe('compact');
    expect(get(o, 'spec', 'missing', 'name')).toBeUndefined();
    expect(get(null, 'a')).toBeUndefined();
    expect(get(o)).toBe(o);
  });
});
