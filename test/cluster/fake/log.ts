// Every call of a fake executable is appended to $LOGCLAW_FAKE_LOG (JSONL) when set:
// { tool, argv, cwd, env: {subset}, time, exitCode }.
import { appendFileSync } from 'node:fs';

const ENV_KEYS = /^(KUBECONFIG|HOME|PATH|DOCKER_HOST|DOCKER_CONTEXT|KIND_.*|LOGCLAW_.*|NO_COLOR|CI|TERM)$/;

export interface FakeCall {
  tool: string;
  argv: string[];
  cwd: string;
  env: Record<string, string>;
  time: string;
  exitCode?: number;
}

export function recordCall(tool: string, exitCode: number): void {
  const file = process.env.LOGCLAW_FAKE_LOG;
  if (!file) return;
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (ENV_KEYS.test(k) && v !== undefined) env[k] = v;
  const call: FakeCall = { tool, argv: process.argv.slice(2), cwd: process.cwd(), env, time: new Date().toISOString(), exitCode };
  appendFileSync(file, `${JSON.stringify(call)}\n`);
}

/** Run a fake's main, log the call with its exit code, exit. */
export async function runFake(tool: string, main: () => Promise<number>): Promise<void> {
  let code: number;
  try {
    code = await main();
  } catch (e) {
    process.stderr.write(`ERROR: ${e instanceof Error ? e.message : String(e)}\n`);
    code = 1;
  }
  recordCall(tool, code);
  process.exit(code);
}
