// Where a vendor's OAuth token is kept (a client-credentials token). Vendors limit token minting per client
// and ask clients to reuse tokens, so several replicas should share one: with Redis, one replica
// mints it (under a lock) and the others read it (src/redis/token-store-redis.ts). In process, the token is
// simply minted by the client that needs it.

export interface CachedToken {
  value: string;
  /** Epoch ms until which the token is reused (shortly before it expires). */
  reuseUntil: number;
}

export interface TokenStore {
  /**
   * A token good for reuse: the shared one unless it is missing, past reuse, or equal to `rejected` (a token
   * the vendor just answered 401 for), in which case one caller mints a new one with `mint` and shares it.
   */
  obtain(mint: () => Promise<CachedToken>, rejected?: string): Promise<CachedToken>;
}

/** One process: nothing to share, mint when asked (the client already joins concurrent callers). */
export const LOCAL_TOKENS: TokenStore = Object.freeze({ obtain: (mint: () => Promise<CachedToken>) => mint() });
