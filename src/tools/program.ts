/** What every program wrapper holds: the binary it runs, the version it found, and where a dry run records its changes. */
import type { DryRun } from './record.js';

export abstract class Program {
  protected constructor(
    readonly bin: string,
    readonly version: string,
    /** Under --dry-run: where its mutating calls are recorded instead of run. */
    readonly dryRun?: DryRun,
  ) {}

  /** The same program, its mutating calls recorded in `dryRun` instead of run (run again without one). */
  withDryRun(dryRun: DryRun | undefined): this {
    return Object.assign(Object.create(Object.getPrototypeOf(this) as object) as this, this, { dryRun });
  }
}
