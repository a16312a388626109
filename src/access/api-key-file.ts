// TASKHUB_API_KEYS_FILE: named, scoped API keys. The file is a JSON array of
//   { "name": "nightly-sync", "sha256": "<hex SHA-256 of the key>", "scopes": ["tasks:read", "tasks:write:<BACKEND>"] }
// so it holds no key itself: whoever reads the file cannot call taskhub with it. It is read at start (an
// invalid file stops the start, naming the problem) and again on reload(): main.ts calls that on SIGHUP, and
// a watch on the file's directory calls it when the file changes (editors and secret managers replace files
// by rename, which a watch on the file itself would miss). A reload that finds an invalid file keeps the
// keys in force and logs why.

import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync, watch } from 'node:fs';
import type { FSWatcher } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import type { Logger } from '../logger.js';
import { KNOWN_SCOPES } from './scopes.js';
import type { Principal } from './scopes.js';

interface KeyEntry { principal: Principal; digest: Buffer }

export const sha256 = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

export class ApiKeyFileError extends Error {
  override readonly name = 'ApiKeyFileError';
}

/** Parses and checks the file's text; throws ApiKeyFileError naming the first problem (never a hash). */
export function parseApiKeyFile(text: string): KeyEntry[] {
  let raw: unknown;
  try { raw = JSON.parse(text); } catch (err) {
    throw new ApiKeyFileError(`is not valid JSON (${(err as Error).message})`);
  }
  if (!Array.isArray(raw)) throw new ApiKeyFileError('must be a JSON array of { name, sha256, scopes }');
  const names = new Set<string>();
  return raw.map((entry: unknown, i): KeyEntry => {
    const at = `entry ${i}`;
    if (typeof entry !== 'object' || entry === null) throw new ApiKeyFileError(`${at} must be an object { name, sha256, scopes }`);
    const { name, sha256: hex, scopes } = entry as Record<string, unknown>;
    if (typeof name !== 'string' || !/^[\w.:@-]{1,64}$/.test(name)) {
      throw new ApiKeyFileError(`${at}: name must be 1 to 64 letters, digits or . _ : @ -`);
    }
    if (names.has(name)) throw new ApiKeyFileError(`${at}: name '${name}' is used twice`);
    names.add(name);
    if (typeof hex !== 'string' || !/^[0-9a-fA-F]{64}$/.test(hex)) {
      throw new ApiKeyFileError(`${at} (${name}): sha256 must be the 64 hex digits of the key's SHA-256`);
    }
    if (!Array.isArray(scopes) || scopes.some((s) => typeof s !== 'string' || !KNOWN_SCOPES.has(s))) {
      throw new ApiKeyFileError(`${at} (${name}): scopes must be a list of ${[...KNOWN_SCOPES].join(', ')}`);
    }
    return { principal: { name, scopes: new Set(scopes as string[]) }, digest: Buffer.from(hex, 'hex') };
  });
}

export class ApiKeyFile {
  private entries: KeyEntry[];
  private watcher: FSWatcher | undefined;
  private debounce: NodeJS.Timeout | undefined;

  constructor(private readonly path: string, private readonly logger: Logger) {
    this.entries = this.read();
  }

  /** The principal whose key this is, or null. Compares against every entry, in constant time each. */
  lookup(key: string): Principal | null {
    const d = sha256(key);
    let found: Principal | null = null;
    for (const e of this.entries) if (timingSafeEqual(e.digest, d) && !found) found = e.principal;
    return found;
  }

  /** Reads the file again; keeps the current keys when it is unreadable or invalid. Returns whether it applied. */
  reload(): boolean {
    try {
      this.entries = this.read();
      this.logger.info({ keys: this.entries.map((e) => e.principal.name) }, 'API keys file reloaded');
      return true;
    } catch (err) {
      this.logger.error({ problem: (err as Error).message }, 'API keys file not reloaded; the previous keys stay in force');
      return false;
    }
  }

  /** Reloads when the file changes (watching its directory, so a replace-by-rename is seen too). */
  watch(): this {
    const file = basename(this.path);
    this.watcher = watch(dirname(resolve(this.path)), (_event, name) => {
      if (name !== null && name !== file) return;
      clearTimeout(this.debounce);
      this.debounce = setTimeout(() => this.reload(), 50);
    });
    this.watcher.unref();
    this.watcher.on('error', (err) => this.logger.error({ err }, 'cannot watch the API keys file; reload it with SIGHUP'));
    return this;
  }

  close(): void {
    clearTimeout(this.debounce);
    this.watcher?.close();
  }

  private read(): KeyEntry[] {
    try {
      return parseApiKeyFile(readFileSync(this.path, 'utf8'));
    } catch (err) {
      const problem = err instanceof ApiKeyFileError ? err.message : `cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`;
      throw new ApiKeyFileError(`TASKHUB_API_KEYS_FILE ${problem}`);
    }
  }
}
