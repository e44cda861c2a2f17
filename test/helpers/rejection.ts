/** The LogclawError a call rejects with (the test fails when it resolves or rejects with anything else). */
import { expect } from 'vitest';
import { LogclawError } from '../../src/errors.js';

export async function rejection(p: Promise<unknown>): Promise<LogclawError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(LogclawError);
    return e as LogclawError;
  }
  throw new Error('expected the call to fail');
}
