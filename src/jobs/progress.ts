// "Job X changed": published by whichever replica runs the job, heard by the replicas whose clients follow
// it over SSE. In process by default; over Redis pub/sub when the jobs are in Redis. Only the job id
// travels: listeners read the job's state from the store, so a lost message delays an event, nothing more.

import { EventEmitter } from 'node:events';

export interface ProgressBus {
  publish(jobId: string): void;
  /** Calls `listener` on every change of `jobId` until the returned function is called. */
  subscribe(jobId: string, listener: () => void): () => void;
  close(): Promise<void>;
}

export class MemoryProgressBus implements ProgressBus {
  private readonly emitter = new EventEmitter();

  constructor() {
    // One listener per SSE client following a job: many is normal.
    this.emitter.setMaxListeners(0);
  }

  publish(jobId: string): void {
    this.emitter.emit(jobId);
  }

  subscribe(jobId: string, listener: () => void): () => void {
    this.emitter.on(jobId, listener);
    return () => { this.emitter.off(jobId, listener); };
  }

  async close(): Promise<void> {
    this.emitter.removeAllListeners();
  }
}
