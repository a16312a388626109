// The vendor-neutral model every layer speaks. Adapters map wire shapes into these types at one
// boundary (their mapping.ts); the schema exposes them; the batch engine moves them around.
// Nothing here knows HTTP, XML or GraphQL.

export const BACKENDS = ['ZUORA', 'IBM_BPM', 'K2', 'SUPEROFFICE'] as const;
export type Backend = (typeof BACKENDS)[number];

export const TASK_STATUSES = [
  'NEW', 'READY', 'IN_PROGRESS', 'WAITING', 'SUSPENDED', 'COMPLETED', 'FAILED', 'CANCELLED', 'UNKNOWN',
] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export interface KeyValue { key: string; value: string }

/** Fields every task has, whatever its vendor (the GraphQL `Task` interface). */
interface TaskCommon {
  nativeId: string;
  name: string | null;
  status: TaskStatus;
  vendorStatus: string | null;
  description: string | null;
  priority: number | null;
}

export const ZUORA_TASK_STATUSES = ['Queued', 'Processing', 'Pending', 'Success', 'Stopped', 'Error'] as const;
export type ZuoraTaskStatus = (typeof ZUORA_TASK_STATUSES)[number];

export interface ZuoraTask extends TaskCommon {
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

export interface IbmBpmTask extends TaskCommon {
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

export interface K2Action { name: string; batchable: boolean }

export interface K2Task extends TaskCommon {
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

export const BATCH_TASK_STATES = [
  'Unknown', 'New', 'Aquired', 'Started', 'Succeeded', 'Failed', 'SucceededManualCleanup', 'All',
] as const;
/** SuperOffice's BatchTaskState names, `Aquired` spelt as on the wire. */
export type BatchTaskState = (typeof BATCH_TASK_STATES)[number];

export interface SuperOfficeTask extends TaskCommon {
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

export type DomainTask = ZuoraTask | IbmBpmTask | K2Task | SuperOfficeTask;

// ---- updates (what batchUpdateTasks carries, after GraphQL parsing; absent field = leave unchanged) ----

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

/** Every property IBM's bulk update documents in `updatedPropertyValues`, plus the task id. */
export interface IbmBpmTaskUpdate {
  id: string;
  businessRelevance?: boolean;
  contextAuthorizationOfOwner?: string;
  customProperties?: KeyValue[];
  deletionTime?: string;
  description?: string;
  displayName?: string;
  dueTime?: string;
  durationUntilDeleted?: string;
  durationUntilDue?: string;
  durationUntilExpires?: string;
  eventHandlerName?: string;
  expirationTime?: string;
  isEscalated?: boolean;
  isRead?: boolean;
  name?: string;
  namespace?: string;
  parentContextID?: string;
  priority?: number;
  supportsClaimIfSuspended?: boolean;
  supportsDelegation?: boolean;
  supportsFollowOnTasks?: boolean;
  supportsSubTasks?: boolean;
  type?: string;
  workBasketName?: string;
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

export interface SuperOfficeTaskUpdate {
  id: string;
  state?: BatchTaskState;
  description?: string;
  response?: string;
  request?: string;
}

export interface UpdateByBackend {
  ZUORA: ZuoraTaskUpdate;
  IBM_BPM: IbmBpmTaskUpdate;
  K2: K2TaskUpdate;
  SUPEROFFICE: SuperOfficeTaskUpdate;
}

export type TaskUpdate = { [B in Backend]: { backend: B; update: UpdateByBackend[B] } }[Backend];

// ---- outcomes ----

export const ERROR_CODES = [
  'NOT_FOUND', 'PERMISSION_DENIED', 'REJECTED', 'INVALID_INPUT', 'BACKEND_NOT_CONFIGURED',
  'BACKEND_UNAVAILABLE', 'BACKEND_AUTH_FAILED', 'OUTCOME_UNKNOWN',
  // A batch job item never sent because the job was cancelled first.
  'CANCELLED',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface OutcomeError {
  kind: 'ERROR';
  code: ErrorCode;
  /** Safe to show to a person: never credentials, URLs with secrets or stack traces. */
  message: string;
  vendorCode?: string;
  retryable: boolean;
}

/**
 * What happened to one update item. `UPDATED` only when the vendor confirmed that item; `task` is the
 * task as the vendor now holds it when its reply carried it, otherwise the facade reads it back.
 */
export type UpdateOutcome =
  | { kind: 'UPDATED'; task?: DomainTask }
  | { kind: 'ACCEPTED'; message: string }
  | OutcomeError;

export const outcomeError = (
  code: ErrorCode, message: string, extra: { vendorCode?: string; retryable?: boolean } = {},
): OutcomeError => ({
  kind: 'ERROR', code, message,
  ...(extra.vendorCode === undefined ? {} : { vendorCode: extra.vendorCode }),
  retryable: extra.retryable ?? (code === 'BACKEND_UNAVAILABLE' || code === 'CANCELLED'),
});
