// IBM BPM's task and update, as the rest of taskhub sees them (the wire shapes are in wire.ts; mapping.ts
// converts). Nothing here knows HTTP or GraphQL.

import type { DomainTask, KeyValue } from '../../domain.js';
import type { WriteBehaviour } from '../vendor.js';
import type { IbmUpdatedPropertyValues } from './wire.js';

export interface IbmBpmTask extends DomainTask {
  backend: 'IBM_BPM';
  tkiid: string;
  displayName: string | null;
  state: string | null;
  kind: string | null;
  owner: string | null;
  originator: string | null;
  starter: string | null;
  dueTime: string | null;
  activationTime: string | null;
  firstActivationTime: string | null;
  startTime: string | null;
  completionTime: string | null;
  lastModificationTime: string | null;
  expirationTime: string | null;
  suspended: boolean | null;
  isEscalated: boolean | null;
  isWaitingForSubTask: boolean | null;
  businessRelevance: boolean | null;
  assignedTo: string | null;
  assignedToType: string | null;
  namespace: string | null;
  type: string | null;
  workBasketName: string | null;
  positionInHierarchy: string | null;
  customProperties: KeyValue[];
}

/**
 * Every property IBM's bulk update documents in `updatedPropertyValues` (wire.ts lists them), plus the task
 * id; custom properties as the name/value pairs the rest of taskhub uses.
 */
export type IbmBpmTaskUpdate = { id: string; customProperties?: KeyValue[] } & Omit<IbmUpdatedPropertyValues, 'customProperties'>;

/** IBM's bulk update sets values: sending it twice leaves the same state, so retries and replays are safe. */
export const IBM_BPM_WRITES: WriteBehaviour = { idempotent: true };
