// The numbers that shape traffic to one vendor (env: <BACKEND>_* in config.ts), with their defaults.

export interface TrafficPolicy {
  /** TCP connect timeout. */
  connectTimeoutMs: number;
  /** Time from sending a request to its response headers, per attempt. */
  firstByteTimeoutMs: number;
  /** Deadline for one call, all retries and the body included. */
  totalTimeoutMs: number;
  /** Extra attempts for idempotent calls (GET, value-setting PUT). Never used for non-idempotent calls. */
  maxRetries: number;
  retryBaseMs: number;
  /** Longest single wait before a retry; a Retry-After beyond it ends the retries. */
  retryMaxMs: number;
  /**
   * Sockets to this vendor, shared by every request of this process: the outbound concurrency cap. At 16,
   * 32 clients reading 50 tasks by id each (17 per backend) queued for sockets while the CPU idled; 64 gave
   * them ~1.3–1.5× the throughput and still bounds what one replica can ask of a vendor. A vendor module may
   * set a lower default where the vendor documents a concurrency limit.
   */
  maxConnections: number;
  /** Replies (after decompression) larger than this are refused. */
  maxResponseBytes: number;
  breakerFailureThreshold: number;
  breakerResetMs: number;
}

export const DEFAULT_TRAFFIC_POLICY: Readonly<TrafficPolicy> = Object.freeze({
  connectTimeoutMs: 2_000,
  firstByteTimeoutMs: 10_000,
  totalTimeoutMs: 15_000,
  maxRetries: 2,
  retryBaseMs: 100,
  retryMaxMs: 2_000,
  maxConnections: 64,
  maxResponseBytes: 10 * 1024 * 1024,
  breakerFailureThreshold: 5,
  breakerResetMs: 10_000,
});
