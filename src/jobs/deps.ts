// What the jobs service takes from the app, whichever store it works on.

import type { Config } from '../config.js';
import type { Registry } from '../registry.js';
import type { Logger } from '../logger.js';
import type { BatchEngine } from '../batch/engine.js';
import type { JobObserver } from './runner.js';

export interface JobsDeps {
  config: Readonly<Config>;
  registry: Registry;
  engine: BatchEngine;
  logger: Logger;
  observer?: JobObserver;
  /** Aborts vendor writes still running when a graceful shutdown runs out of time. */
  writeSignal?: AbortSignal;
}

/** What every runner takes from the app, whichever store it works on. */
export const runnerDeps = (deps: JobsDeps) => ({
  engine: deps.engine, registry: deps.registry, logger: deps.logger,
  ...(deps.observer ? { observer: deps.observer } : {}),
  ...(deps.writeSignal ? { writeSignal: deps.writeSignal } : {}),
});
