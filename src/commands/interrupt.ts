/** Aborted on SIGINT/SIGTERM (src/cli.ts); every command's signal. Its own module so the CLI reaches it without commander. */
export const interruptController = new AbortController();
