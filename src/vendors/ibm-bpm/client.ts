// IBM BPM / BAW BPEL human tasks over the HTM REST API (/rest/bpm/htm/v1), HTTP Basic. Reads are one GET
// per tkiid; writes are IBM's bulk update, which applies ONE value set to many tkiids, so updates are grouped
// by their value set. What IBM's replies mean is decided in mapping.ts; this file only moves requests.
// BPM and BAW with CSRF protection on refuse any call without a BPMCSRFToken header (403 CWTBG0651E): the
// first refusal fetches a token (POST /bpm/system/login), the call is sent again with it, and every call
// carries it from then on, renewed when IBM refuses it or its two hours are nearly up. No setting: a
// server without the protection is never asked for a token.

import type { DomainTask, UpdateOutcome } from '../../domain.js';
import type { IbmBpmTaskUpdate } from './model.js';
import { IBM_BPM_WRITES } from './model.js';
import { outcomeError } from '../../domain.js';
import { BackendError, isBackendError, outcomeFromError } from '../../errors.js';
import type { BackendAdapter, ClientCommon, TaskListSlice } from '../adapter.js';
import { fetchEach, readConcurrencyOf } from '../concurrency.js';
import { journalSending, notJournaled } from '../../batch/journal.js';
import type { BatchJournal } from '../../batch/journal.js';
import { VendorTransport } from '../../transport/vendor-transport.js';
import type { HttpResponse } from '../../transport/vendor-transport.js';
import { basicAuth, pathSegment } from '../../transport/encoding.js';
import {
  csrfTokenOf, errorBodyOf, errorFromResponse, idsNamedBy, isCsrfRefusal, isValidTkiid, meansNoSuchTask, outcomeFromFailure, parseBulkReply,
  parseJson, propertyValuesOf, taskFromWire, tasksFromList, tkiidKey, validateUpdate,
} from './mapping.js';
import type { IbmBulkUpdateRequest, IbmUpdatedPropertyValues } from './wire.js';
import { IBM_CSRF_LIFETIME_S } from './wire.js';

const B = 'IBM_BPM' as const;
const ROOT = '/rest/bpm/htm/v1';
/** IBM documents no cap on `updatedTaskIDs`; 500 keeps one request body and one server transaction modest. */
export const IBM_BULK_CHUNK = 500;
/** Whole-call 400s that name one bad id are retried without it at most this often per chunk. */
const MAX_ISOLATION_ROUNDS = 25;
/** How long before its end (IBM_CSRF_LIFETIME_S, what it is asked for) a CSRF token is renewed. */
const CSRF_RENEW_BEFORE_MS = 5 * 60_000;

interface CsrfToken { value: string; reuseUntil: number }

export interface IbmBpmClientOptions extends ClientCommon {
  username: string;
  password: string;
  /** Tasks asked for per `/tasks/filter` call (default 100), plus the one row that tells whether more follow. */
  pageSize?: number;
}

export class IbmBpmClient implements BackendAdapter<IbmBpmTaskUpdate> {
  readonly backend = B;
  readonly idempotentWrites = IBM_BPM_WRITES.idempotent;
  private readonly http: VendorTransport;
  private readonly headers: Record<string, string>;
  private readonly jsonHeaders: Record<string, string>;
  private readonly pageSize: number;
  private readonly readConcurrency: number;
  /** Held once IBM has asked for one; undefined on a server without CSRF protection. */
  private csrf: CsrfToken | undefined;
  /** The login in flight: calls refused together wait for one token. */
  private csrfLogin: Promise<CsrfToken> | undefined;

  constructor(opts: IbmBpmClientOptions) {
    this.http = new VendorTransport(B, opts.baseUrl, opts.policy, { observer: opts.observer, budget: opts.budget });
    this.headers = { authorization: basicAuth(opts.username, opts.password), accept: 'application/json' };
    this.jsonHeaders = { ...this.headers, 'content-type': 'application/json' };
    this.pageSize = Math.max(1, Math.floor(opts.pageSize ?? 100));
    this.readConcurrency = readConcurrencyOf(opts.policy);
  }

  isValidNativeId(id: string): boolean { return isValidTkiid(id); }


  validateUpdate(update: IbmBpmTaskUpdate): string | null { return validateUpdate(update); }

  getTasks(ids: readonly string[], signal?: AbortSignal): Promise<Array<DomainTask | null | Error>> {
    return fetchEach(ids, this.readConcurrency, isValidTkiid, (id) => this.getOne(id, signal));
  }

  async listTasks(offset: number, limit: number, signal?: AbortSignal): Promise<TaskListSlice> {
    const tasks: DomainTask[] = [];
    let position = Math.max(0, Math.floor(offset));
    const wanted = Math.max(0, Math.floor(limit));
    for (;;) {
      const want = wanted - tasks.length;
      // One row more than needed tells whether anything follows without an extra call, also when the
      // page is full: a page of 100 asks for 101.
      const page = await this.page(position, Math.min(this.pageSize, want) + 1, signal);
      if (page.length === 0) return { tasks, done: true };
      if (page.length > want) return { tasks: [...tasks, ...page.slice(0, want)], done: false };
      tasks.push(...page);
      position += page.length;
      // A short page is not proof of the end (a server may cap `size`); only an empty page is.
    }
  }

  async ping(signal?: AbortSignal): Promise<void> {
    await this.page(0, 1, signal);
  }

  /** One bulk call per distinct value set (IBM applies one value set to many tkiids), in chunks. */
  async sendUpdates(updates: readonly IbmBpmTaskUpdate[], signal: AbortSignal | undefined, journal: BatchJournal): Promise<Array<UpdateOutcome | undefined>> {
    const outcomes: Array<UpdateOutcome | undefined> = new Array(updates.length).fill(undefined);
    const groups = new Map<string, { values: IbmUpdatedPropertyValues; positions: number[] }>();
    updates.forEach((u, i) => {
      const values = propertyValuesOf(u);
      const key = JSON.stringify(values);
      const group = groups.get(key) ?? { values, positions: [] };
      group.positions.push(i);
      groups.set(key, group);
    });
    const calls: Array<Promise<void>> = [];
    for (const { values, positions } of groups.values()) {
      for (let at = 0; at < positions.length; at += IBM_BULK_CHUNK) {
        const chunk = positions.slice(at, at + IBM_BULK_CHUNK);
        calls.push(this.sendChunk(chunk.map((i) => updates[i]!.id), values, signal, journalFor(journal, chunk, updates)).then((byId) => {
          for (const i of chunk) outcomes[i] = byId.get(updates[i]!.id);
        }));
      }
    }
    await Promise.all(calls);
    return outcomes;
  }

  async close(): Promise<void> {
    await this.http.close();
  }

  private async getOne(id: string, signal?: AbortSignal): Promise<DomainTask | null | Error> {
    try {
      const res = await this.call('GET', `${ROOT}/task/${pathSegment(id)}`, undefined, signal);
      const text = res.text();
      if (meansNoSuchTask(res.status, text)) return null;
      if (res.status < 200 || res.status > 299) return errorFromResponse(res.status, text);
      const task = res.readOnce('task', () => taskFromWire(parseJson(text)));
      if (task === null) return new BackendError(B, 'BACKEND_UNAVAILABLE', 'IBM BPM sent an unreadable task', { status: res.status });
      if (task.tkiid.toLowerCase() !== id.toLowerCase()) {
        return new BackendError(B, 'BACKEND_UNAVAILABLE', 'IBM BPM answered with a different task than requested', { status: res.status });
      }
      return task;
    } catch (err) {
      if (isBackendError(err)) return err;
      throw err;
    }
  }

  private async page(offset: number, size: number, signal?: AbortSignal): Promise<DomainTask[]> {
    const res = await this.call('GET', `${ROOT}/tasks/filter?offset=${offset}&size=${size}`, undefined, signal);
    if (res.status < 200 || res.status > 299) throw errorFromResponse(res.status, res.text());
    const tasks = res.readOnce('page', () => tasksFromList(parseJson(res.text())));
    if (tasks === null) throw new BackendError(B, 'BACKEND_UNAVAILABLE', 'IBM BPM sent an unreadable task list', { status: res.status });
    return tasks;
  }

  /**
   * One bulk PUT for tkiids sharing a value set; an outcome per tkiid. A whole-call refusal that names some of
   * the ids (e.g. 400 CWTKA0001E for one malformed tkiid) settles those and resends the rest, so one bad id
   * does not sink its neighbours.
   */
  private async sendChunk(ids: string[], values: IbmUpdatedPropertyValues, signal: AbortSignal | undefined, journal: TkiidJournal) {
    const out = new Map<string, UpdateOutcome>();
    const settle = (settled: readonly string[], outcome?: UpdateOutcome) => {
      if (outcome) for (const id of settled) out.set(id, outcome);
      return journal.settled(settled, out);
    };
    let pending = [...new Set(ids)];
    for (let round = 0; pending.length > 0; round++) {
      if (!(await journal.sending(pending))) {
        for (const id of pending) out.set(id, notJournaled(B));
        return out;
      }
      const body: IbmBulkUpdateRequest = { updatedTaskIDs: pending, updatedPropertyValues: values };
      let res: HttpResponse;
      try {
        res = await this.call('PUT', `${ROOT}/task?action=update`, JSON.stringify(body), signal);
      } catch (err) {
        await settle(pending, outcomeFromError(err, B, { idempotent: true }));
        return out;
      }
      const text = res.text();
      if (res.status >= 200 && res.status <= 299) {
        this.settleReport(pending, text, out);
        await settle(pending);
        return out;
      }
      const named = [400, 404, 409].includes(res.status) && round < MAX_ISOLATION_ROUNDS ? idsNamedBy(text, pending) : [];
      if (named.length === 0) {
        await settle(pending, outcomeFromError(errorFromResponse(res.status, text), B, { idempotent: true }));
        return out;
      }
      // The refused call applied nothing: the ids it did not name are resent, journaled again.
      await settle(named, outcomeFromFailure(errorBodyOf(text)));
      pending = pending.filter((id) => !named.includes(id));
    }
    return out;
  }

  private settleReport(ids: string[], text: string, out: Map<string, UpdateOutcome>) {
    const reply = parseBulkReply(text);
    if (reply.kind === 'unreadable') {
      const unknown = outcomeError('OUTCOME_UNKNOWN',
        'IBM BPM answered the update with an unreadable reply; it may have been applied. Sending it again is safe.',
        { retryable: true });
      for (const id of ids) out.set(id, unknown);
      return;
    }
    // A report lists failures; an id it leaves out counts as updated. So an entry must be matched to the ids
    // it names as IBM may spell them (tkiids are hex: any case, as getOne compares them), and an entry that
    // names none of this call's ids (none at all, one never sent, one mangled) may be about any of them:
    // the ids no entry names are then not confirmed.
    const asked = new Map<string, string[]>();
    for (const id of ids) asked.set(tkiidKey(id), [...(asked.get(tkiidKey(id)) ?? []), id]);
    let unattributed: string | undefined;
    for (const f of reply.failures) {
      const named = typeof f.tkiid === 'string' ? asked.get(tkiidKey(f.tkiid)) : undefined;
      if (named === undefined) {
        unattributed ??= typeof f.tkiid === 'string'
          ? 'IBM BPM reported a failure for a task this call did not send; this one may not have been updated'
          : 'IBM BPM reported a failure without naming the task; this one may not have been updated';
        continue;
      }
      for (const id of named) if (!out.has(id)) out.set(id, outcomeFromFailure(f));
    }
    for (const id of ids) {
      if (out.has(id)) continue;
      out.set(id, unattributed === undefined ? { kind: 'UPDATED' } : outcomeError('OUTCOME_UNKNOWN', unattributed, { retryable: true }));
    }
  }

  private async call(method: 'GET' | 'PUT', path: string, body: string | undefined, signal?: AbortSignal): Promise<HttpResponse> {
    const token = this.csrf && this.csrf.reuseUntil > Date.now() ? this.csrf.value : undefined;
    const res = await this.send(method, path, body, token, signal);
    if (!isCsrfRefusal(res)) return res;
    // Refused unread, so sending it again cannot apply it twice; a second refusal is answered as it is.
    let fresh: CsrfToken;
    try {
      fresh = await this.csrfToken(token);
    } catch (err) {
      // Whatever became of the login (its own POST may have been cut off after it was sent), this call was
      // refused and not sent again: never carried out. Credentials IBM refused are said as such.
      if (isBackendError(err) && err.code === 'BACKEND_AUTH_FAILED') throw err;
      throw new BackendError(B, 'BACKEND_UNAVAILABLE', 'IBM BPM asked for a CSRF token that could not be fetched; the call was not carried out',
        { cause: err, retryable: true, requestMayHaveBeenSent: false });
    }
    return this.send(method, path, body, fresh.value, signal);
  }

  private send(method: 'GET' | 'PUT' | 'POST', path: string, body: string | undefined, csrf: string | undefined, signal?: AbortSignal): Promise<HttpResponse> {
    const plain = body === undefined ? this.headers : this.jsonHeaders;
    const headers = csrf === undefined ? plain : { ...plain, bpmcsrftoken: csrf };
    return this.http.request({
      method, path, idempotent: true, headers,
      ...(body === undefined ? {} : { body }),
      ...(signal === undefined ? {} : { signal }),
    });
  }

  /**
   * A token other than `refused`: the one another call just fetched, or a new one (one login at a time).
   * The login carries no caller's signal: it serves every call waiting for it, and one client going away
   * must not fail the others (the transport's deadline bounds it).
   */
  private async csrfToken(refused: string | undefined): Promise<CsrfToken> {
    if (this.csrf && this.csrf.value !== refused && this.csrf.reuseUntil > Date.now()) return this.csrf;
    this.csrfLogin ??= this.login().finally(() => { this.csrfLogin = undefined; });
    return this.csrfLogin;
  }

  private async login(): Promise<CsrfToken> {
    const res = await this.send('POST', '/bpm/system/login',
      JSON.stringify({ 'refresh-groups': false, 'requested-lifetime': IBM_CSRF_LIFETIME_S }), undefined);
    const text = res.text();
    if (res.status < 200 || res.status > 299) throw errorFromResponse(res.status, text);
    const value = csrfTokenOf(text);
    if (value === null) throw new BackendError(B, 'BACKEND_UNAVAILABLE', 'IBM BPM asked for a CSRF token, but its login answered none', { status: res.status });
    this.csrf = { value, reuseUntil: Date.now() + IBM_CSRF_LIFETIME_S * 1000 - CSRF_RENEW_BEFORE_MS };
    return this.csrf;
  }
}

/** The journal as one chunk's calls see it: by tkiid, mapped back to the adapter's positions. */
interface TkiidJournal {
  sending(ids: readonly string[]): Promise<boolean>;
  settled(ids: readonly string[], out: ReadonlyMap<string, UpdateOutcome>): Promise<void>;
}

function journalFor(journal: BatchJournal, positions: readonly number[], updates: readonly IbmBpmTaskUpdate[]): TkiidJournal {
  const positionsOf = (ids: readonly string[]) => {
    const wanted = new Set(ids);
    return positions.filter((p) => wanted.has(updates[p]!.id));
  };
  return {
    sending: (ids) => journalSending(journal, positionsOf(ids)),
    settled: async (ids, out) => {
      const results = positionsOf(ids).flatMap((p) => {
        const outcome = out.get(updates[p]!.id);
        return outcome ? [{ index: p, backend: B, nativeId: updates[p]!.id, outcome }] : [];
      });
      if (results.length) await journal.settled(results);
    },
  };
}
