// The one duration format (src/duration.ts): what logclaw prints for a measured or configured duration.
import { describe, expect, it } from 'vitest';
import { formatDuration, junitSeconds } from '../src/duration.js';

describe('formatDuration', () => {
  it('prints milliseconds under a second, tenths of a second under 10 s, whole seconds under 2 min, then minutes and seconds', () => {
    expect([0, 12, 59.4, 800, 999.4].map(formatDuration)).toEqual(['0 ms', '12 ms', '59 ms', '800 ms', '999 ms']);
    expect([999.5, 1530, 9_940].map(formatDuration)).toEqual(['1.0 s', '1.5 s', '9.9 s']);
    expect([9_950, 12_000, 95_000, 119_400].map(formatDuration)).toEqual(['10 s', '12 s', '95 s', '119 s']);
    expect([119_500, 120_000, 125_000, 3_600_000].map(formatDuration)).toEqual(['2 min 0 s', '2 min 0 s', '2 min 5 s', '60 min 0 s']);
  });

  it('rounds before splitting minutes and seconds (never "1 min 60 s"), and never prints a negative duration', () => {
    expect(formatDuration(179_600)).toBe('3 min 0 s');
    expect(formatDuration(-5)).toBe('0 ms');
  });

  it('leaves machine-read JUnit times in decimal seconds', () => {
    expect([0, 349, 61_234].map(junitSeconds)).toEqual(['0.000', '0.349', '61.234']);
  });
});
