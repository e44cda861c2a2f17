/** Run jobs with at most `limit` in flight; stops taking new jobs once the signal aborts. */
export async function runPool(jobs: Array<() => Promise<void>>, limit: number, signal?: AbortSignal): Promise<void> {
  let next = 0;
  const errors: unknown[] = [];
  const worker = async () => {
    while (next < jobs.length && !signal?.aborted) {
      const job = jobs[next++]!;
      try {
        await job();
      } catch (e) {
        errors.push(e);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, worker));
  if (signal?.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('interrupted');
  if (errors.length) throw errors[0];
}
