// IBM BPM / BAW "REST interface for BPEL-related task resources" (Human Task Manager, /rest/bpm/htm/v1),
// exactly as on the wire: types, and the table of update properties they derive from; no logic.
// Sources: vendor-docs/002 (bulk update), spec/vendors.md §2.

/** The documented `state` strings (com.ibm.task.api.TaskInstanceData constants). */
export type IbmTaskState =
  | 'STATE_INACTIVE' | 'STATE_READY' | 'STATE_RUNNING' | 'STATE_FINISHED' | 'STATE_FAILED'
  | 'STATE_TERMINATED' | 'STATE_CLAIMED' | 'STATE_EXPIRED' | 'STATE_FORWARDED';

/**
 * A task as `GET /task/{tkiid}` and the items of `GET /tasks/filter` carry it (camelCase). Every field may be
 * absent. Query-table rows carry the same data with UPPER_CASE column names (TKIID, STATE as an integer, DUE,
 * NAME_SPACE, ...), so the mapping reads a task as a loose record, not through this type.
 */
export interface IbmTaskWire {
  tkiid: string;
  name?: string;
  displayName?: string;
  description?: string;
  state?: IbmTaskState | string;
  kind?: string;
  priority?: number;
  owner?: string;
  originator?: string;
  starter?: string;
  dueTime?: string;
  activationTime?: string;
  firstActivationTime?: string;
  startTime?: string;
  completionTime?: string;
  lastModificationTime?: string;
  expirationTime?: string;
  suspended?: boolean;
  isEscalated?: boolean;
  isWaitingForSubTask?: boolean;
  businessRelevance?: boolean;
  /** WPS 6.x spelling of `businessRelevance`. */
  isBusinessRelevant?: boolean;
  assignedTo?: string;
  assignedToType?: 'User' | 'Group' | string;
  namespace?: string;
  type?: string;
  workBasketName?: string;
  positionInHierarchy?: string;
  customProperties?: Record<string, string>;
}

/** `GET /rest/bpm/htm/v1/tasks/filter?offset=&size=`: `identifier` names the id attribute ("TKIID"). */
export interface IbmTaskListWire {
  identifier?: string;
  items: Array<Record<string, unknown>>;
}

/**
 * Every property the bulk update documents in `updatedPropertyValues`, with its JSON type: the one list of
 * them. The wire type below, the update (model.ts), its validation (mapping.ts), its GraphQL input
 * (schema.ts) and the emulator's type check are all derived from it, so a property added here reaches each.
 */
export const IBM_UPDATE_PROPERTIES = {
  businessRelevance: 'boolean', contextAuthorizationOfOwner: 'string', customProperties: 'object', deletionTime: 'string',
  description: 'string', displayName: 'string', dueTime: 'string', durationUntilDeleted: 'string',
  durationUntilDue: 'string', durationUntilExpires: 'string', eventHandlerName: 'string', expirationTime: 'string',
  isEscalated: 'boolean', isRead: 'boolean', name: 'string', namespace: 'string', parentContextID: 'string',
  priority: 'integer', supportsClaimIfSuspended: 'boolean', supportsDelegation: 'boolean',
  supportsFollowOnTasks: 'boolean', supportsSubTasks: 'boolean', type: 'string', workBasketName: 'string',
} as const;

export type IbmUpdateProperty = keyof typeof IBM_UPDATE_PROPERTIES;

/** The JS value of each JSON type the table uses (`object` is customProperties: name → value). */
interface IbmJsonTypes { boolean: boolean; string: string; integer: number; object: Record<string, string> }

/** `updatedPropertyValues` of the bulk update: one value set applied to every id. */
export type IbmUpdatedPropertyValues = { -readonly [P in IbmUpdateProperty]?: IbmJsonTypes[(typeof IBM_UPDATE_PROPERTIES)[P]] };

/** `PUT /rest/bpm/htm/v1/task?action=update` body. */
export interface IbmBulkUpdateRequest {
  updatedTaskIDs: string[];
  updatedPropertyValues: IbmUpdatedPropertyValues;
}

/** WPS 6.2 dialect of the same request: the values wrapped in `type`, `isBusinessRelevant` spelling. */
export interface IbmBulkUpdateRequestWps62 {
  updatedTaskIDs: string[];
  updatedPropertyValues: { type: IbmUpdatedPropertyValues & { isBusinessRelevant?: boolean } };
}

/** `PUT /rest/bpm/htm/v1/task?action=cancel|resume` body. */
export interface IbmBulkOperationRequest {
  taskIDs: string[];
}

export interface IbmFailedItem {
  tkiid: string;
  errorNumber: string;
  errorMessage: string;
}

/**
 * 200 reply of a bulk call. Full success is an EMPTY body (not `{}`); partial failure names the failed tkiids
 * in `failedUpdates` (action=update) or `failedOperations` + `description` (cancel, resume, transfer).
 */
export interface IbmBulkReport {
  failedUpdates?: IbmFailedItem[];
  failedOperations?: IbmFailedItem[];
  description?: string;
}

/** Error body of every HTM method (400, 401, 403, 404, 406, 409, 415, 500). */
export interface IbmErrorBody {
  errorNumber?: string;
  errorMessage?: string;
  errorMessageParameters?: string[];
  /** Stack traces and the like: never shown to anyone. */
  programmersDetails?: unknown;
}

/** A CSRF token's lifetime (POST /bpm/system/login's `requested-lifetime`), in seconds: IBM's default and maximum. */
export const IBM_CSRF_LIFETIME_S = 7200;
