// Job progress across replicas: the replica running a job publishes its id on one Redis channel; every
// replica with SSE clients following that job hears it and reads the job from Redis. One subscriber
// connection per replica (a subscribed ioredis connection can run nothing else), subscribed once.

import type { Redis } from 'ioredis';
import { MemoryProgressBus } from '../progress.js';
import type { ProgressBus } from '../progress.js';
import type { Logger } from '../../logger.js';

export const PROGRESS_CHANNEL = 'taskhub:jobs:progress';

export class RedisProgressBus implements ProgressBus {
  private readonly local = new MemoryProgressBus();

  constructor(private readonly publisher: Redis, private readonly subscriber: Redis, private readonly logger: Logger) {
    subscriber.on('message', (_channel: string, jobId: string) => this.local.publish(jobId));
    subscriber.subscribe(PROGRESS_CHANNEL).catch((err: unknown) => {
      logger.warn({ err }, 'redis: cannot subscribe to job progress; followers fall back to polling every second');
    });
  }

  publish(jobId: string): void {
    // Followers also poll every second: a lost message only delays their next event.
    this.publisher.publish(PROGRESS_CHANNEL, jobId).catch((err: unknown) => {
      this.logger.debug({ err, jobId }, 'redis: job progress not published');
    });
  }

  subscribe(jobId: string, listener: () => void): () => void {
    return this.local.subscribe(jobId, listener);
  }

  async close(): Promise<void> {
    await this.local.close();
  }
}
