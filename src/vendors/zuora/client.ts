// Zuora Workflow tasks over one VendorTransport: OAuth client-credentials token (added in one place, `call`),
// page arithmetic for the list, one GET per id for reads (there is no batch read), and batch_update in
// chunks of 50 with the work needed to tell which items Zuora refused when it refuses a whole batch.

import type { DomainTask, UpdateOutcome } from '../../domain.js';
import type { ZuoraTask, ZuoraTaskUpdate } from './model.js';
import { ZUORA_WRITES } from './model.js';
import { BackendError, outcomeFromError } from '../../errors.js';
import type { BackendAdapter, ClientCommon, TaskListSlice } from '../adapter.js';
import { fetchEach, mapLimited, readConcurrencyOf } from '../concurrency.js';
import { journalSending, notJournaled } from '../../batch/journal.js';
import type { BatchJournal } from '../../batch/journal.js';
import { VendorTransport } from '../../transport/vendor-transport.js';
import type { HttpMethod, HttpResponse } from '../../transport/vendor-transport.js';
import { pathSegment } from '../../transport/encoding.js';
import {
  errorFromResponse, isValidZuoraId, isZuoraNotFound, notFoundOutcome, refusedExistingOutcome, parseJson, toAccessToken, toTaskPage, toUpdateTask,
  toUpdatedById, toZuoraTask, tokenError, unconfirmedOutcome, validateZuoraUpdate,
} from './mapping.js';
import type { ZuoraUpdateTask } from './wire.js';
import { LOCAL_TOKENS } from '../token-store.js';
import type { CachedToken, TokenStore } from '../token-store.js';

/** Zuora's maximum page_length. */
const PAGE_LENGTH = 100;
/** Zuora's maximum batch_update size. */
const CHUNK_SIZE = 50;
/** Reads on the write path (confirming or finding refused items); reads by id use the policy's setting. */
const READ_CONCURRENCY = 8;
/** Halving 50 items reaches single items by depth 6, so valid items always end up applied. */
const MAX_BISECT_DEPTH = 6;

/** How long a token is reused: until 300 s before it expires, or a tenth of its life when that is shorter. */
export const tokenReuseMs = (expiresInSeconds: number): number =>
  Math.max(0, (expiresInSeconds - Math.min(300, expiresInSeconds / 10)) * 1000);

interface Item { index: number; nativeId: string; body: ZuoraUpdateTask }
type Outcomes = Array<UpdateOutcome | undefined>;
type PutReply = { updated: Map<number, unknown> } | { notFound: BackendError };

export class ZuoraClient implements BackendAdapter<ZuoraTaskUpdate> {
  readonly backend = 'ZUORA' as const;
  readonly idempotentWrites = ZUORA_WRITES.idempotent;
  private readonly http: VendorTransport;
  private readonly clientId: string;
  private readonly clientSecret: string;
  private readonly readConcurrency: number;
  private token: CachedToken | undefined;
  private tokenFetch: Promise<string> | undefined;
  /** The last token Zuora refused (401): a shared store must not hand it out again. */
  private rejectedToken: string | undefined;
  private readonly tokens: TokenStore;

  constructor(opts: ClientCommon & { clientId: string; clientSecret: string }) {
    this.tokens = opts.tokens ?? LOCAL_TOKENS;
    // Zuora echoes Zuora-Track-Id and keeps it in its logs: the GraphQL request id ties the two together.
    this.http = new VendorTransport('ZUORA', opts.baseUrl, opts.policy, { observer: opts.observer, budget: opts.budget, requestIdHeader: 'zuora-track-id' });
    this.clientId = opts.clientId;
    this.clientSecret = opts.clientSecret;
    this.readConcurrency = readConcurrencyOf(opts.policy);
  }

  isValidNativeId(id: string): boolean { return isValidZuoraId(id); }
  validateUpdate(update: ZuoraTaskUpdate): string | null { return validateZuoraUpdate(update); }

  /** An id that cannot be a Zuora id cannot exist there: null, without a call. */
  async getTasks(ids: readonly string[], signal?: AbortSignal): Promise<Array<DomainTask | null | Error>> {
    return fetchEach(ids, this.readConcurrency, isValidZuoraId, (id) => this.fetchTask(id, signal));
  }

  /** Zuora pages are fixed-size and 1-based, so any offset is a page number plus a skip inside it. */
  async listTasks(offset: number, limit: number, signal?: AbortSignal): Promise<TaskListSlice> {
    const start = Math.max(0, Math.floor(offset));
    const max = Math.max(0, Math.floor(limit));
    let page = Math.floor(start / PAGE_LENGTH) + 1;
    let skip = start % PAGE_LENGTH;
    const tasks: DomainTask[] = [];
    for (;;) {
      const got = await this.fetchPage(page, PAGE_LENGTH, signal);
      const rest = got.tasks.slice(skip);
      const wanted = max - tasks.length;
      tasks.push(...rest.slice(0, wanted));
      if (rest.length > wanted) return { tasks, done: false };
      // next_page points at another host, so only its presence is used; a short page also ends the list.
      if (!got.hasNextPage || got.tasks.length < PAGE_LENGTH) return { tasks, done: true };
      if (tasks.length >= max) return { tasks, done: false };
      page += 1;
      skip = 0;
    }
  }

  async sendUpdates(updates: readonly ZuoraTaskUpdate[], signal: AbortSignal | undefined, journal: BatchJournal): Promise<Outcomes> {
    const out: Outcomes = new Array(updates.length).fill(undefined);
    const items = updates.map((u, index): Item => ({ index, nativeId: u.id, body: toUpdateTask(u) }));
    const chunks: Item[][] = [];
    for (let i = 0; i < items.length; i += CHUNK_SIZE) chunks.push(items.slice(i, i + CHUNK_SIZE));
    await Promise.all(chunks.map((chunk) => this.applyChunk(chunk, out, signal, journal)));
    return out;
  }

  async ping(signal?: AbortSignal): Promise<void> {
    await this.fetchPage(1, 1, signal);
  }

  async close(): Promise<void> {
    await this.http.close();
  }

  // ---- writes ----

  /** A 404 refuses the whole batch without naming the culprit: find unknown ids, resend the rest once, then bisect. */
  private async applyChunk(items: Item[], out: Outcomes, signal: AbortSignal | undefined, journal: BatchJournal): Promise<void> {
    const refused = await this.settle(items, out, signal, journal);
    if (!refused) return;
    const existing = await this.dropUnknown(refused.items, out, signal, journal);
    if (existing.length === 0) return;
    const refusedAgain = await this.settle(existing, out, signal, journal);
    if (refusedAgain) await this.bisect(refusedAgain.items, refusedAgain.err, out, signal, journal, 0);
  }

  /**
   * Sends `items` (journaled) and records their outcomes, except on a 404, which refuses the whole call
   * without applying anything: those items are handed back to the caller, unsettled, to be resent.
   */
  private async settle(items: Item[], out: Outcomes, signal: AbortSignal | undefined, journal: BatchJournal): Promise<{ items: Item[]; err: BackendError } | null> {
    if (!(await journalSending(journal, items.map((it) => it.index)))) {
      for (const it of items) out[it.index] = notJournaled('ZUORA');
      return null;
    }
    try {
      const reply = await this.put(items, signal);
      if ('notFound' in reply) return { items, err: reply.notFound };
      await this.confirm(items, reply.updated, out, signal);
    } catch (err) {
      for (const it of items) out[it.index] = outcomeFromError(err, 'ZUORA', { idempotent: true });
    }
    await settled(journal, items, out);
    return null;
  }

  private async put(items: Item[], signal?: AbortSignal): Promise<PutReply> {
    const body = JSON.stringify({ data: items.map((it) => it.body) });
    const res = await this.call('PUT', '/workflows/tasks/batch_update', signal, body);
    if (isZuoraNotFound(res.status, res.text())) return { notFound: errorFromResponse(404, res.text()) };
    if (res.status < 200 || res.status > 299) throw errorFromResponse(res.status, res.text());
    return { updated: toUpdatedById(res.text()) };
  }

  /** UPDATED only for ids the reply carries; a left-out id is checked, never assumed applied. */
  private async confirm(items: Item[], updated: Map<number, unknown>, out: Outcomes, signal?: AbortSignal): Promise<void> {
    const missing: Item[] = [];
    for (const it of items) {
      const entry = updated.get(it.body.id);
      if (entry === undefined) missing.push(it);
      else out[it.index] = { kind: 'UPDATED', task: toZuoraTask(entry) };
    }
    await mapLimited(missing, READ_CONCURRENCY, async (it) => {
      const now = await this.fetchTask(it.nativeId, signal).catch(() => undefined);
      out[it.index] = now === null ? notFoundOutcome(it.nativeId) : unconfirmedOutcome(it.nativeId);
    });
  }

  /** Records NOT_FOUND (or the read's failure) for ids a GET cannot find; returns the others, in order. */
  private async dropUnknown(items: Item[], out: Outcomes, signal: AbortSignal | undefined, journal: BatchJournal): Promise<Item[]> {
    const exists = await mapLimited(items, READ_CONCURRENCY, async (it) => {
      try {
        if (await this.fetchTask(it.nativeId, signal)) return true;
        out[it.index] = notFoundOutcome(it.nativeId);
      } catch (err) {
        out[it.index] = outcomeFromError(err, 'ZUORA', { idempotent: true });
      }
      return false;
    });
    await settled(journal, items.filter((_, i) => !exists[i]), out);
    return items.filter((_, i) => exists[i]);
  }

  /** The ids exist (a GET found each) but the batch is still refused: halve until the refusing items stand alone. */
  private async bisect(items: Item[], err: BackendError, out: Outcomes, signal: AbortSignal | undefined, journal: BatchJournal, depth: number): Promise<void> {
    if (items.length === 1 || depth >= MAX_BISECT_DEPTH) {
      for (const it of items) out[it.index] = refusedExistingOutcome(it.nativeId, err);
      await settled(journal, items, out);
      return;
    }
    const mid = Math.ceil(items.length / 2);
    await Promise.all([items.slice(0, mid), items.slice(mid)].map(async (half) => {
      const refused = await this.settle(half, out, signal, journal);
      if (refused) await this.bisect(refused.items, refused.err, out, signal, journal, depth + 1);
    }));
  }

  // ---- reads ----

  private async fetchTask(id: string, signal?: AbortSignal): Promise<ZuoraTask | null> {
    const res = await this.call('GET', `/workflows/tasks/${pathSegment(id)}`, signal);
    if (isZuoraNotFound(res.status, res.text())) return null;
    if (res.status < 200 || res.status > 299) throw errorFromResponse(res.status, res.text());
    const task = res.readOnce('task', () => toZuoraTask(parseJson(res.text(), res.status)));
    if (task.nativeId !== id) {
      throw new BackendError('ZUORA', 'BACKEND_UNAVAILABLE', `Zuora answered with task ${task.nativeId} when asked for task ${id}`);
    }
    return task;
  }

  private async fetchPage(page: number, length: number, signal?: AbortSignal) {
    const res = await this.call('GET', `/workflows/tasks?page=${page}&page_length=${length}`, signal);
    if (res.status < 200 || res.status > 299) throw errorFromResponse(res.status, res.text());
    return res.readOnce('page', () => toTaskPage(parseJson(res.text(), res.status)));
  }

  // ---- auth ----

  /** Every workflow call goes through here. A 401 means nothing was applied: one new token, one resend. */
  private async call(method: HttpMethod, path: string, signal?: AbortSignal, body?: string): Promise<HttpResponse> {
    const send = (token: string) => this.http.request({
      method, path, signal, idempotent: true, body,
      headers: {
        authorization: `Bearer ${token}`,
        accept: 'application/json',
        'accept-encoding': 'gzip',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
    });
    const token = await this.accessToken();
    const res = await send(token);
    if (res.status !== 401) return res;
    if (this.token?.value === token) this.token = undefined;
    this.rejectedToken = token;
    const again = await send(await this.accessToken());
    if (again.status === 401) throw errorFromResponse(401, again.text());
    return again;
  }

  private accessToken(): Promise<string> {
    if (this.token && Date.now() < this.token.reuseUntil) return Promise.resolve(this.token.value);
    // Zuora limits token minting per IP and asks clients to reuse tokens: concurrent callers share one fetch.
    this.tokenFetch ??= this.tokens.obtain(() => this.fetchToken(), this.rejectedToken)
      .then((t) => { this.token = t; return t.value; })
      .finally(() => { this.tokenFetch = undefined; });
    return this.tokenFetch;
  }

  /** No Authorization header here: Zuora's docs forbid it on the token call. */
  private async fetchToken(): Promise<CachedToken> {
    const requestedAt = Date.now();
    const res = await this.http.request({
      method: 'POST',
      path: '/oauth/token',
      idempotent: true, // a second token is harmless; retrying a 429/5xx here is what the docs advise
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({
        client_id: this.clientId, client_secret: this.clientSecret, grant_type: 'client_credentials',
      }).toString(),
    });
    if (res.status !== 200) throw tokenError(res.status);
    const { accessToken, expiresIn } = toAccessToken(res.text());
    return { value: accessToken, reuseUntil: requestedAt + tokenReuseMs(expiresIn) };
  }
}

/** Tells the journal the final outcomes of `items` (those `out` holds). */
function settled(journal: BatchJournal, items: readonly Item[], out: Outcomes): Promise<void> {
  const results = items.flatMap((it) => {
    const outcome = out[it.index];
    return outcome ? [{ index: it.index, backend: 'ZUORA' as const, nativeId: it.nativeId, outcome }] : [];
  });
  return results.length ? journal.settled(results) : Promise.resolve();
}
