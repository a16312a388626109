// K2's task and update, as the rest of taskhub sees them (the wire shapes are in wire.ts; mapping.ts
// converts). Nothing here knows HTTP or GraphQL.

import type { DomainTask, KeyValue } from '../../domain.js';
import type { WriteBehaviour } from '../vendor.js';

export interface K2Action { name: string; batchable: boolean }

export interface K2Task extends DomainTask {
  backend: 'K2';
  serialNumber: string;
  processName: string | null;
  processFullName: string | null;
  folio: string | null;
  activityName: string | null;
  startDate: string | null;
  originator: string | null;
  /** The client event URL K2 puts in `<Data>`. */
  data: string | null;
  actions: K2Action[];
  processDataFields: KeyValue[];
  activityDataFields: KeyValue[];
}

export interface K2TaskUpdate {
  serialNumber: string;
  /** Exactly one of the next four. */
  action?: string;
  redirectTo?: string;
  delegateTo?: string;
  /** >0 sleeps that many seconds, 0 sleeps indefinitely, <0 wakes the item (K2's `s:` action). */
  sleepSeconds?: number;
  processDataFields?: KeyValue[];
  activityDataFields?: KeyValue[];
  processXmlFields?: KeyValue[];
  activityXmlFields?: KeyValue[];
}

/**
 * Actions (Approve, redirect, delegate, sleep) must not be sent twice: a second send acts again, or fails on an
 * item that has moved on. K2 may answer an update with an empty 200 (the vendor's own example), which neither
 * confirms nor refuses it. An actioned or redirected item leaves the service account's worklist, so it
 * cannot be read back.
 */
export const K2_WRITES: WriteBehaviour = {
  idempotent: false,
  unconfirmedWhen: 'K2 answering with an empty reply',
  unreadableAfter: 'an actioned or redirected K2 item that left the worklist',
};
