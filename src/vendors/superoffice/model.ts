// SuperOffice's task and update, as the rest of taskhub sees them (the wire shapes are in wire.ts; mapping.ts
// converts). Nothing here knows HTTP or GraphQL.

import type { DomainTask } from '../../domain.js';
import type { WriteBehaviour } from '../vendor.js';

export const BATCH_TASK_STATES = [
  'Unknown', 'New', 'Aquired', 'Started', 'Succeeded', 'Failed', 'SucceededManualCleanup', 'All',
] as const;
/** SuperOffice's BatchTaskState names, `Aquired` spelt as on the wire. */
export type BatchTaskState = (typeof BATCH_TASK_STATES)[number];

export interface SuperOfficeTask extends DomainTask {
  backend: 'SUPEROFFICE';
  id: number;
  associateId: number | null;
  state: string | null;
  progressPercent: number | null;
  progressDescription: string | null;
  request: string | null;
  response: string | null;
  result: string | null;
  created: string | null;
  lastStarted: string | null;
  startCount: number | null;
  isSystemTask: boolean | null;
  isInternalTask: boolean | null;
  detailsTable: number | null;
  detailsRecord: number | null;
  databaseSerialNumber: string | null;
  context: string | null;
  fileName: string | null;
  cancellationBehaviour: string | null;
  parameterObject: unknown;
}

export interface SuperOfficeTaskUpdate {
  id: string;
  state?: BatchTaskState;
  description?: string;
  response?: string;
  request?: string;
}

/** A SuperOffice PUT sets values: sending it twice is harmless. */
export const SUPEROFFICE_WRITES: WriteBehaviour = { idempotent: true };
