// Zuora Workflow's task and update, as the rest of taskhub sees them (the wire shapes are in wire.ts; mapping.ts
// converts). Nothing here knows HTTP or GraphQL.

import type { DomainTask } from '../../domain.js';
import type { VendorModule, WriteBehaviour } from '../vendor.js';

export const ZUORA_TASK_STATUSES = ['Queued', 'Processing', 'Pending', 'Success', 'Stopped', 'Error'] as const;
export type ZuoraTaskStatus = (typeof ZUORA_TASK_STATUSES)[number];

export interface ZuoraTask extends DomainTask {
  backend: 'ZUORA';
  id: number;
  /** Parent task id (`task_id` on the wire); null for the first task of a workflow. */
  parentTaskId: number | null;
  actionType: string | null;
  callType: string | null;
  concurrentLimit: number | null;
  object: string | null;
  objectId: string | null;
  tags: string[];
  workflowId: number | null;
  instance: boolean | null;
  originalTaskId: number | null;
  originalWorkflowId: number | null;
  startTime: string | null;
  endTime: string | null;
  error: string | null;
  errorClass: string | null;
  errorDetails: string | null;
  parameters: unknown;
  data: unknown;
}

export interface ZuoraTaskUpdate {
  id: string;
  name?: string;
  status?: ZuoraTaskStatus;
  tags?: string[];
  concurrentLimit?: number;
  object?: string;
  objectId?: string;
  actionType?: string;
  callType?: string;
  workflowId?: number;
}

/** Zuora's task update is a PUT of values: sending it twice leaves the same state, so retries and replays are safe. */
export const ZUORA_WRITES: WriteBehaviour = { idempotent: true };

/**
 * Zuora counts concurrent API requests per tenant, 40 by default (200 for high-volume tenants), and answers
 * 429 beyond them (docs: rate limits, concurrency limits). 32 sockets keep one replica under the tenant's
 * limit with room for the tenant's other integrations; with several replicas, ZUORA_MAX_CONNECTIONS should
 * share the limit out (README, traffic policy).
 */
export const ZUORA_TRAFFIC: VendorModule['traffic'] = { maxConnections: 32 };
