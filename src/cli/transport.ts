// Sends one chunk as a batchUpdateTasks call (the generated typed document) and says what came back: the
// payload, or why the chunk got no answer. A chunk without an answer is retried a bounded number of
// times; that is safe because a chunk always travels under the same idempotency key, so the facade
// replays one it already applied. A refusal (bad API key, invalid GraphQL, key reused) is not retried.

import { setTimeout as sleep } from 'node:timers/promises';
import { print } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { Agent, request } from 'undici';
import { BatchUpdateTasksDocument } from '../generated/graphql.js';
import { first, parseRetryAfter } from '../shared/retry-after.js';
import { withoutSecrets } from './without-secrets.js';
import type { BatchUpdateTasksInput, BatchUpdateTasksMutation } from '../generated/graphql.js';

export type Payload = BatchUpdateTasksMutation['batchUpdateTasks'];
export type ServerResult = Payload['results'][number];

export interface ChunkFailure {
  /** NOT_SENT: the facade never took the chunk in. TRANSPORT_ERROR: it may have; the reply was lost. */
  outcome: 'NOT_SENT' | 'TRANSPORT_ERROR';
  code: string;
  message: string;
  retryable: boolean;
  retryAfterMs?: number;
}

export type ChunkAnswer = { ok: true; payload: Payload } | { ok: false; failure: ChunkFailure };

export interface TransportOptions {
  url: string;
  apiKey?: string;
  timeoutMs: number;
  retries: number;
  retryDelayMs: number;
}

/** Connection failures before anything was written to the socket. */
const NEVER_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

/** GraphQL error codes that mean the facade refused the operation before running it. */
const REFUSALS = new Set(['BAD_USER_INPUT', 'IDEMPOTENCY_KEY_REUSED', 'GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_PARSE_FAILED', 'BAD_REQUEST', 'UNAUTHENTICATED', 'FORBIDDEN']);

const HINTS: Record<number, string> = {
  401: 'set --api-key or TASKHUB_API_KEY',
  403: 'the key lacks a scope this needs: tasks:read, and tasks:write or tasks:write:<BACKEND>',
  413: 'lower --chunk-size',
};

const printed = new WeakMap<object, string>();

interface GraphQLResponse<T> { data?: T | null; errors?: Array<{ message: string; extensions?: { code?: unknown } }> }

export class BatchTransport {
  private readonly agent: Agent;

  constructor(private readonly opts: TransportOptions) {
    this.agent = new Agent({ connect: { timeout: Math.min(opts.timeoutMs, 10_000) }, headersTimeout: opts.timeoutMs, bodyTimeout: opts.timeoutMs });
  }

  /** One chunk, with retries; `onRetry` hears about each failed attempt that will be retried. */
  async send(input: BatchUpdateTasksInput, onRetry?: (attempt: number, failure: ChunkFailure, delayMs: number) => void): Promise<ChunkAnswer> {
    for (let attempt = 1; ; attempt++) {
      const answer = await this.execute(BatchUpdateTasksDocument, { input });
      const checked = answer.ok ? checkPayload(answer.data.batchUpdateTasks, input.items.length) : answer;
      if (checked.ok || !checked.failure.retryable || attempt > this.opts.retries) {
        if (!checked.ok && attempt > 1) checked.failure.message = `${checked.failure.message} (after ${attempt} attempts)`;
        return checked;
      }
      // Full jitter, doubling per attempt; a Retry-After from the facade wins.
      const delay = checked.failure.retryAfterMs ?? Math.round(Math.random() * Math.min(30_000, this.opts.retryDelayMs * 2 ** (attempt - 1)));
      onRetry?.(attempt, checked.failure, delay);
      await sleep(delay);
    }
  }

  close(): Promise<void> {
    return this.agent.close();
  }

  private async execute<R, V>(document: TypedDocumentNode<R, V>, variables: V): Promise<{ ok: true; data: R } | { ok: false; failure: ChunkFailure }> {
    let query = printed.get(document);
    if (query === undefined) printed.set(document, (query = print(document)));
    let status: number;
    let retryAfter: string | undefined;
    let text: string;
    try {
      const res = await request(this.opts.url, {
        method: 'POST',
        dispatcher: this.agent,
        signal: AbortSignal.timeout(this.opts.timeoutMs),
        headers: {
          'content-type': 'application/json',
          accept: 'application/graphql-response+json, application/json;q=0.9',
          ...(this.opts.apiKey ? { authorization: `Bearer ${this.opts.apiKey}` } : {}),
        },
        body: JSON.stringify({ query, variables }),
      });
      status = res.statusCode;
      retryAfter = first(res.headers['retry-after']);
      text = await res.body.text();
    } catch (err) {
      return { ok: false, failure: this.withoutKey(networkFailure(err)) };
    }
    const answer = interpret<R>(status, text, retryAfter);
    return answer.ok ? answer : { ok: false, failure: this.withoutKey(answer.failure) };
  }

  /** A failure's message quotes the facade's (or a proxy's) text, which may echo the request's key back. */
  private withoutKey(failure: ChunkFailure): ChunkFailure {
    return { ...failure, message: withoutSecrets(failure.message, [this.opts.apiKey]) };
  }
}

function networkFailure(err: unknown): ChunkFailure {
  const e = err as { code?: unknown; name?: string; message?: string; cause?: { code?: unknown } };
  // A DOMException (the timeout's abort) has a numeric legacy `code` (23): only string codes are ours to show.
  const code = e.name === 'TimeoutError' || e.name === 'AbortError' ? 'TIMEOUT'
    : typeof e.code === 'string' ? e.code : typeof e.cause?.code === 'string' ? e.cause.code : 'NETWORK_ERROR';
  const outcome = NEVER_CONNECTED.has(code) ? 'NOT_SENT' : 'TRANSPORT_ERROR';
  const what = code === 'TIMEOUT' ? 'no answer within --timeout-ms' : (e.message ?? String(err));
  return { outcome, code, message: `${outcome === 'NOT_SENT' ? 'could not reach the facade' : 'the connection failed'}: ${what}`, retryable: true };
}

/** The facade's Retry-After, capped: a chunk never waits more than a minute on one hint. */
function retryAfterMs(value: string | undefined): number | undefined {
  const ms = parseRetryAfter(value);
  return ms === undefined ? undefined : Math.min(ms, 60_000);
}

function interpret<R>(status: number, text: string, retryAfter: string | undefined): { ok: true; data: R } | { ok: false; failure: ChunkFailure } {
  let body: GraphQLResponse<R> | undefined;
  try {
    body = JSON.parse(text) as GraphQLResponse<R>;
  } catch {
    body = undefined;
  }
  if (status === 200 && body?.data && !body.errors?.length) return { ok: true, data: body.data };

  const errors = body?.errors ?? [];
  const gqlCode = typeof errors[0]?.extensions?.code === 'string' ? errors[0].extensions.code : undefined;
  const detail = errors.length ? errors.map((e) => e.message).join('; ') : `HTTP ${status}${text ? `: ${text.slice(0, 200)}` : ''}`;
  const hint = HINTS[status] ? ` (${HINTS[status]})` : '';
  const after = retryAfterMs(retryAfter);

  if (status === 429) return { ok: false, failure: { outcome: 'NOT_SENT', code: 'HTTP_429', message: `the facade is rate limiting: ${detail}`, retryable: true, retryAfterMs: after } };
  if (status >= 400 && status < 500 && status !== 408) {
    return { ok: false, failure: { outcome: 'NOT_SENT', code: gqlCode ?? `HTTP_${status}`, message: `the facade refused the chunk: ${detail}${hint}`, retryable: false } };
  }
  if (status < 400 && gqlCode && REFUSALS.has(gqlCode)) {
    return { ok: false, failure: { outcome: 'NOT_SENT', code: gqlCode, message: `the facade refused the chunk: ${detail}`, retryable: false } };
  }
  // 5xx, 408, an unexpected error or an unreadable body: the chunk may have been applied.
  const code = status >= 400 ? `HTTP_${status}` : gqlCode ?? 'BAD_RESPONSE';
  return { ok: false, failure: { outcome: 'TRANSPORT_ERROR', code, message: `no usable answer from the facade: ${detail}`, retryable: true, retryAfterMs: after } };
}

/** One result per item, each at its own index, or the answer is not one we can attribute. */
function checkPayload(payload: Payload | undefined, items: number): ChunkAnswer {
  const results = payload?.results;
  if (!Array.isArray(results) || results.length !== items || results.some((r, i) => r.index !== i)) {
    return { ok: false, failure: { outcome: 'TRANSPORT_ERROR', code: 'BAD_RESPONSE', message: `the facade's answer does not hold one result per item (${items} sent)`, retryable: true } };
  }
  return { ok: true, payload: payload! };
}
