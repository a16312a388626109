/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
/** A vendor task system taskhub fronts. */
export type Backend =
  /** IBM BPM / Business Automation Workflow, BPEL human tasks (REST, Basic). */
  | 'IBM_BPM'
  /** K2 blackpearl / K2 Five SyncREST Task service (XML, Basic). */
  | 'K2'
  /** SuperOffice CRM Web API v1 batch tasks (REST, Bearer). */
  | 'SUPEROFFICE'
  /** Zuora Workflow (REST, OAuth client credentials). */
  | 'ZUORA';

/** SuperOffice's BatchTaskState, spelt as on the wire (`Aquired` included). `All` is a query wildcard and cannot be set. */
export type BatchTaskState =
  /** SuperOffice state "All". */
  | 'All'
  /** SuperOffice state "Aquired". */
  | 'Aquired'
  /** SuperOffice state "Failed". */
  | 'Failed'
  /** SuperOffice state "New". */
  | 'New'
  /** SuperOffice state "Started". */
  | 'Started'
  /** SuperOffice state "Succeeded". */
  | 'Succeeded'
  /** SuperOffice state "SucceededManualCleanup". */
  | 'SucceededManualCleanup'
  /** SuperOffice state "Unknown". */
  | 'Unknown';

/** Changes to one SuperOffice batch task (PUT /api/v1/BatchTask/{Id}). Only these four fields are writable; omitted or null ones keep their current values. */
export type BatchTaskUpdateInput = {
  /** New description. */
  description?: string | null | undefined;
  /** The BatchTask id (a positive integer). */
  id: string | number;
  /** New request text. */
  request?: string | null | undefined;
  /** New response text. */
  response?: string | null | undefined;
  /** New state (not `All`). */
  state?: BatchTaskState | null | undefined;
};

/** A batch job: the items inline or as an uploaded file (exactly one of the two). */
export type BatchUpdateJobInput = {
  /** Validate and look every task up, but write nothing. */
  dryRun?: boolean | null | undefined;
  /** The updates as a JSONL or CSV file in the taskhub-batch line format (named .jsonl, .ndjson or .csv); item i is the i-th item line. A file with an invalid line is refused as a whole. */
  file?: unknown;
  /** The same key (with the same input, while the job is kept) returns the same job; nothing is started twice. 1 to 255 characters. */
  idempotencyKey?: string | null | undefined;
  /** The updates, inline; each gets exactly one result, at its own index. */
  items?: Array<TaskUpdateInput> | null | undefined;
};

/** Where a batch job is in its life. */
export type BatchUpdateJobState =
  /** Cancelled: items sent before the cancel have their results, the rest are TaskUpdateCancelled. */
  | 'CANCELLED'
  /** Every item has its result. */
  | 'COMPLETED'
  /** taskhub could not go on with the job; items without a result were answered BACKEND_UNAVAILABLE (retryable). */
  | 'FAILED'
  /** Stored, waiting for a worker. */
  | 'QUEUED'
  /** A worker is sending its items. */
  | 'RUNNING';

/** A batch of task updates for any mix of backends. */
export type BatchUpdateTasksInput = {
  /** Validate and look every task up, but write nothing. */
  dryRun?: boolean | null | undefined;
  /** A replay with the same key (within the TTL, same input) returns the stored results; nothing is resent. 1 to 255 characters. */
  idempotencyKey?: string | null | undefined;
  /** The updates; each gets exactly one result, at its own index. */
  items: Array<TaskUpdateInput>;
};

/** Changes to one IBM task: IBM's bulk update properties (PUT /rest/bpm/htm/v1/task?action=update). Items with the same values are sent in one call. Omitted or null fields are left unchanged. */
export type IbmBpmTaskUpdateInput = {
  /** Business relevant, or an auxiliary step. */
  businessRelevance?: boolean | null | undefined;
  /** Authorization rights of the owner to the associated context. */
  contextAuthorizationOfOwner?: string | null | undefined;
  /** Custom properties to set (others are kept). */
  customProperties?: Array<KeyValueInput> | null | undefined;
  /** When the task is deleted (ISO-8601 date-time). */
  deletionTime?: string | null | undefined;
  /** Description. */
  description?: string | null | undefined;
  /** Display name. */
  displayName?: string | null | undefined;
  /** When it is due (ISO-8601 date-time). */
  dueTime?: string | null | undefined;
  /** How long the task is kept after it ends (ISO-8601 duration, e.g. P14D). */
  durationUntilDeleted?: string | null | undefined;
  /** When the task becomes due (ISO-8601 duration). */
  durationUntilDue?: string | null | undefined;
  /** When the task expires once activated (ISO-8601 duration). */
  durationUntilExpires?: string | null | undefined;
  /** Associated event handler. */
  eventHandlerName?: string | null | undefined;
  /** When the task expires (ISO-8601 date-time). */
  expirationTime?: string | null | undefined;
  /** The tkiid. */
  id: string | number;
  /** Whether an escalation occurred. */
  isEscalated?: boolean | null | undefined;
  /** Whether the task is marked read. */
  isRead?: boolean | null | undefined;
  /** Name of the task instance. */
  name?: string | null | undefined;
  /** Namespace categorising the task. */
  namespace?: string | null | undefined;
  /** Parent context id. */
  parentContextID?: string | null | undefined;
  /** Priority. */
  priority?: number | null | undefined;
  /** Whether it can be claimed while suspended. */
  supportsClaimIfSuspended?: boolean | null | undefined;
  /** Whether it supports delegation. */
  supportsDelegation?: boolean | null | undefined;
  /** Whether it supports follow-on tasks. */
  supportsFollowOnTasks?: boolean | null | undefined;
  /** Whether it supports subtasks. */
  supportsSubTasks?: boolean | null | undefined;
  /** Type of the task. */
  type?: string | null | undefined;
  /** Work basket it belongs to. */
  workBasketName?: string | null | undefined;
};

/** One K2 task update (POST Task/Items/UpdateTasks): exactly one of action, redirectTo, delegateTo, sleepSeconds, plus optional data fields. K2 actions are never sent twice by taskhub. */
export type K2TaskUpdateInput = {
  /** A batchable action of the task, e.g. Approve. */
  action?: string | null | undefined;
  /** Activity data fields to set. */
  activityDataFields?: Array<KeyValueInput> | null | undefined;
  /** Activity XML fields to set. */
  activityXmlFields?: Array<KeyValueInput> | null | undefined;
  /** Delegate to this user (K2 FQN). */
  delegateTo?: string | null | undefined;
  /** Process data fields to set. */
  processDataFields?: Array<KeyValueInput> | null | undefined;
  /** Process XML fields to set (the value is an XML document as text). */
  processXmlFields?: Array<KeyValueInput> | null | undefined;
  /** Redirect to this user (K2 FQN, e.g. K2:DENALLIX\Joe). */
  redirectTo?: string | null | undefined;
  /** The serial number, e.g. 12_8. */
  serialNumber: string;
  /** Sleep: >0 seconds, 0 indefinitely, <0 wakes the task. */
  sleepSeconds?: number | null | undefined;
};

/** A named string value to set. */
export type KeyValueInput = {
  /** The name. */
  key: string;
  /** The value. */
  value: string;
};

/** Normalised lifecycle state; the vendor's own word is in vendorStatus. */
export type TaskStatus =
  /** Stopped or terminated before completion. */
  | 'CANCELLED'
  /** Finished successfully. */
  | 'COMPLETED'
  /** Ended in failure or expired. */
  | 'FAILED'
  /** Claimed, opened, allocated or running. */
  | 'IN_PROGRESS'
  /** Created, not yet ready to be worked on. */
  | 'NEW'
  /** Ready to be claimed or started. */
  | 'READY'
  /** Suspended or asleep; resumes later. */
  | 'SUSPENDED'
  /** The vendor reported a state taskhub does not map; see vendorStatus. */
  | 'UNKNOWN'
  /** Waiting on something outside the task. */
  | 'WAITING';

/** One update: set exactly one field, named after the vendor holding the task. */
export type TaskUpdateInput =
  {   /** An IBM BPM task update. */
  ibmBpm: IbmBpmTaskUpdateInput; k2?: never; superOffice?: never; zuora?: never; }
  |  { ibmBpm?: never;   /** A K2 task update. */
  k2: K2TaskUpdateInput; superOffice?: never; zuora?: never; }
  |  { ibmBpm?: never; k2?: never;   /** A SuperOffice batch task update. */
  superOffice: BatchTaskUpdateInput; zuora?: never; }
  |  { ibmBpm?: never; k2?: never; superOffice?: never;   /** A Zuora Workflow task update. */
  zuora: ZuoraTaskUpdateInput; };

/** Zuora's task instance status, spelt as Zuora spells it. */
export type ZuoraTaskStatus =
  /** Zuora status "Error". */
  | 'Error'
  /** Zuora status "Pending". */
  | 'Pending'
  /** Zuora status "Processing". */
  | 'Processing'
  /** Zuora status "Queued". */
  | 'Queued'
  /** Zuora status "Stopped". */
  | 'Stopped'
  /** Zuora status "Success". */
  | 'Success';

/** Changes to one Zuora task, sent with PUT /workflows/tasks/batch_update. Omitted or null fields are left unchanged. */
export type ZuoraTaskUpdateInput = {
  /** The type of task. */
  actionType?: string | null | undefined;
  /** The type of API used. */
  callType?: string | null | undefined;
  /** How many may run at once, 1 to 9999999. */
  concurrentLimit?: number | null | undefined;
  /** The Zuora task id (a positive integer). */
  id: string | number;
  /** New name. */
  name?: string | null | undefined;
  /** The object the task works on. */
  object?: string | null | undefined;
  /** The id of that object. */
  objectId?: string | null | undefined;
  /** New status. */
  status?: ZuoraTaskStatus | null | undefined;
  /** New filter tags (replaces the list). */
  tags?: Array<string> | null | undefined;
  /** The workflow the task belongs to. */
  workflowId?: number | null | undefined;
};

export type BatchUpdateJobQueryVariables = Exact<{
  id: string | number;
}>;


export type BatchUpdateJobQuery = { batchUpdateJob: { id: string, state: BatchUpdateJobState, total: number, done: number, succeeded: number, accepted: number, failed: number } | null };

export type BatchUpdateJobProgressSubscriptionVariables = Exact<{
  id: string | number;
}>;


export type BatchUpdateJobProgressSubscription = { batchUpdateJobProgress: { id: string, state: BatchUpdateJobState, total: number, done: number, succeeded: number, accepted: number, failed: number } };

export type BatchUpdateJobResultsQueryVariables = Exact<{
  id: string | number;
  first: number;
  after?: string | null | undefined;
}>;


export type BatchUpdateJobResultsQuery = { batchUpdateJob: { id: string, results: { edges: Array<{ node:
          | { __typename: 'BackendUnavailable', index: number, backend: Backend, nativeId: string, code: string, message: string, vendorCode: string | null, retryable: boolean }
          | { __typename: 'InvalidTaskUpdate', index: number, backend: Backend, nativeId: string, code: string, message: string, vendorCode: string | null, retryable: boolean }
          | { __typename: 'TaskNotFound', index: number, backend: Backend, nativeId: string, code: string, message: string, vendorCode: string | null, retryable: boolean }
          | { __typename: 'TaskUpdateAccepted', index: number, backend: Backend, nativeId: string, message: string }
          | { __typename: 'TaskUpdateCancelled', index: number, backend: Backend, nativeId: string, code: string, message: string, vendorCode: string | null, retryable: boolean }
          | { __typename: 'TaskUpdateDenied', index: number, backend: Backend, nativeId: string, code: string, message: string, vendorCode: string | null, retryable: boolean }
          | { __typename: 'TaskUpdateRejected', index: number, backend: Backend, nativeId: string, code: string, message: string, vendorCode: string | null, retryable: boolean }
          | { __typename: 'TaskUpdated', index: number, backend: Backend, nativeId: string }
         }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } } | null };

export type BatchUpdateTasksMutationVariables = Exact<{
  input: BatchUpdateTasksInput;
}>;


export type BatchUpdateTasksMutation = { batchUpdateTasks: { succeeded: number, accepted: number, failed: number, results: Array<
      | { __typename: 'BackendUnavailable', index: number, backend: Backend, nativeId: string, code: string, message: string, vendorCode: string | null, retryable: boolean }
      | { __typename: 'InvalidTaskUpdate', index: number, backend: Backend, nativeId: string, code: string, message: string, vendorCode: string | null, retryable: boolean }
      | { __typename: 'TaskNotFound', index: number, backend: Backend, nativeId: string, code: string, message: string, vendorCode: string | null, retryable: boolean }
      | { __typename: 'TaskUpdateAccepted', index: number, backend: Backend, nativeId: string, message: string }
      | { __typename: 'TaskUpdateCancelled', index: number, backend: Backend, nativeId: string, code: string, message: string, vendorCode: string | null, retryable: boolean }
      | { __typename: 'TaskUpdateDenied', index: number, backend: Backend, nativeId: string, code: string, message: string, vendorCode: string | null, retryable: boolean }
      | { __typename: 'TaskUpdateRejected', index: number, backend: Backend, nativeId: string, code: string, message: string, vendorCode: string | null, retryable: boolean }
      | { __typename: 'TaskUpdated', index: number, backend: Backend, nativeId: string }
    > } };

export type ListTasksQueryVariables = Exact<{
  after?: string | null | undefined;
}>;


export type ListTasksQuery = { tasks: { edges: Array<{ cursor: string, node:
        | { id: string, backend: Backend, nativeId: string, name: string | null, status: TaskStatus, vendorStatus: string | null }
        | { id: string, backend: Backend, nativeId: string, name: string | null, status: TaskStatus, vendorStatus: string | null }
        | { id: string, backend: Backend, nativeId: string, name: string | null, status: TaskStatus, vendorStatus: string | null }
        | { id: string, backend: Backend, nativeId: string, name: string | null, status: TaskStatus, vendorStatus: string | null }
       }>, pageInfo: { hasNextPage: boolean, endCursor: string | null }, backendErrors: Array<{ backend: Backend, code: string, message: string }> } };

export type OpenTaskQueryVariables = Exact<{
  backend: Backend;
  nativeId: string;
  id: string | number;
}>;


export type OpenTaskQuery = { task:
    | { id: string, name: string | null, status: TaskStatus }
    | { id: string, name: string | null, status: TaskStatus }
    | { folio: string | null, processName: string | null, id: string, name: string | null, status: TaskStatus, actions: Array<{ name: string, batchable: boolean }> }
    | { id: string, name: string | null, status: TaskStatus }
   | null, node:
    | { name: string | null, backend: Backend, id: string }
    | { id: string }
    | { name: string | null, backend: Backend, id: string }
    | { name: string | null, backend: Backend, id: string }
    | { name: string | null, backend: Backend, id: string }
   | null };

export type StartBatchUpdateJobMutationVariables = Exact<{
  input: BatchUpdateJobInput;
}>;


export type StartBatchUpdateJobMutation = { startBatchUpdateJob: { id: string, state: BatchUpdateJobState, total: number, done: number, succeeded: number, accepted: number, failed: number } };

export type StreamUpdateMutationVariables = Exact<{
  input: BatchUpdateTasksInput;
}>;


export type StreamUpdateMutation = { batchUpdateTasks: { results: Array<
      | { __typename: 'BackendUnavailable', index: number, backend: Backend, nativeId: string, code: string, message: string, retryable: boolean }
      | { __typename: 'InvalidTaskUpdate', index: number, backend: Backend, nativeId: string, code: string, message: string, retryable: boolean }
      | { __typename: 'TaskNotFound', index: number, backend: Backend, nativeId: string, code: string, message: string, retryable: boolean }
      | { __typename: 'TaskUpdateAccepted', index: number, backend: Backend, nativeId: string }
      | { __typename: 'TaskUpdateCancelled', index: number, backend: Backend, nativeId: string, code: string, message: string, retryable: boolean }
      | { __typename: 'TaskUpdateDenied', index: number, backend: Backend, nativeId: string, code: string, message: string, retryable: boolean }
      | { __typename: 'TaskUpdateRejected', index: number, backend: Backend, nativeId: string, code: string, message: string, retryable: boolean }
      | { __typename: 'TaskUpdated', index: number, backend: Backend, nativeId: string }
    > } & ({ succeeded: number } | { succeeded?: never }) & ({ accepted: number } | { accepted?: never }) & ({ failed: number } | { failed?: never }) };

export type UpdateMutationVariables = Exact<{
  idempotencyKey?: string | null | undefined;
}>;


export type UpdateMutation = { batchUpdateTasks: { succeeded: number, accepted: number, failed: number, results: Array<
      | { __typename: 'BackendUnavailable', index: number, backend: Backend, nativeId: string, code: string, message: string, vendorCode: string | null, retryable: boolean }
      | { __typename: 'InvalidTaskUpdate', index: number, backend: Backend, nativeId: string, code: string, message: string, vendorCode: string | null, retryable: boolean }
      | { __typename: 'TaskNotFound', index: number, backend: Backend, nativeId: string, code: string, message: string, vendorCode: string | null, retryable: boolean }
      | { __typename: 'TaskUpdateAccepted', index: number, backend: Backend, nativeId: string, message: string }
      | { __typename: 'TaskUpdateCancelled', index: number, backend: Backend, nativeId: string, code: string, message: string, vendorCode: string | null, retryable: boolean }
      | { __typename: 'TaskUpdateDenied', index: number, backend: Backend, nativeId: string, code: string, message: string, vendorCode: string | null, retryable: boolean }
      | { __typename: 'TaskUpdateRejected', index: number, backend: Backend, nativeId: string, code: string, message: string, vendorCode: string | null, retryable: boolean }
      | { __typename: 'TaskUpdated', index: number, backend: Backend, nativeId: string, task:
          | { id: string, status: TaskStatus, vendorStatus: string | null }
          | { id: string, status: TaskStatus, vendorStatus: string | null }
          | { id: string, status: TaskStatus, vendorStatus: string | null }
          | { id: string, status: TaskStatus, vendorStatus: string | null }
         | null }
    > } };


export const BatchUpdateJobDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"BatchUpdateJob"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"batchUpdateJob"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"total"}},{"kind":"Field","name":{"kind":"Name","value":"done"}},{"kind":"Field","name":{"kind":"Name","value":"succeeded"}},{"kind":"Field","name":{"kind":"Name","value":"accepted"}},{"kind":"Field","name":{"kind":"Name","value":"failed"}}]}}]}}]} as unknown as DocumentNode<BatchUpdateJobQuery, BatchUpdateJobQueryVariables>;
export const BatchUpdateJobProgressDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"BatchUpdateJobProgress"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"batchUpdateJobProgress"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"total"}},{"kind":"Field","name":{"kind":"Name","value":"done"}},{"kind":"Field","name":{"kind":"Name","value":"succeeded"}},{"kind":"Field","name":{"kind":"Name","value":"accepted"}},{"kind":"Field","name":{"kind":"Name","value":"failed"}}]}}]}}]} as unknown as DocumentNode<BatchUpdateJobProgressSubscription, BatchUpdateJobProgressSubscriptionVariables>;
export const BatchUpdateJobResultsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"BatchUpdateJobResults"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"batchUpdateJob"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"results"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"TaskUpdateOutcome"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"index"}},{"kind":"Field","name":{"kind":"Name","value":"backend"}},{"kind":"Field","name":{"kind":"Name","value":"nativeId"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"TaskUpdateError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"vendorCode"}},{"kind":"Field","name":{"kind":"Name","value":"retryable"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"TaskUpdateAccepted"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}}]}}]}}]} as unknown as DocumentNode<BatchUpdateJobResultsQuery, BatchUpdateJobResultsQueryVariables>;
export const BatchUpdateTasksDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"BatchUpdateTasks"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"BatchUpdateTasksInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"batchUpdateTasks"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"succeeded"}},{"kind":"Field","name":{"kind":"Name","value":"accepted"}},{"kind":"Field","name":{"kind":"Name","value":"failed"}},{"kind":"Field","name":{"kind":"Name","value":"results"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"TaskUpdateOutcome"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"index"}},{"kind":"Field","name":{"kind":"Name","value":"backend"}},{"kind":"Field","name":{"kind":"Name","value":"nativeId"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"TaskUpdateError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"vendorCode"}},{"kind":"Field","name":{"kind":"Name","value":"retryable"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"TaskUpdateAccepted"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]}}]} as unknown as DocumentNode<BatchUpdateTasksMutation, BatchUpdateTasksMutationVariables>;
export const ListTasksDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ListTasks"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"tasks"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"20"}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}},{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"statuses"},"value":{"kind":"ListValue","values":[{"kind":"EnumValue","value":"READY"},{"kind":"EnumValue","value":"IN_PROGRESS"}]}}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"backend"}},{"kind":"Field","name":{"kind":"Name","value":"nativeId"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"vendorStatus"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"backendErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"backend"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<ListTasksQuery, ListTasksQueryVariables>;
export const OpenTaskDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"OpenTask"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"backend"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Backend"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"nativeId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"task"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"backend"},"value":{"kind":"Variable","name":{"kind":"Name","value":"backend"}}},{"kind":"Argument","name":{"kind":"Name","value":"nativeId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"nativeId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"K2Task"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"folio"}},{"kind":"Field","name":{"kind":"Name","value":"processName"}},{"kind":"Field","name":{"kind":"Name","value":"actions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"batchable"}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"node"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Task"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"backend"}}]}}]}}]}}]} as unknown as DocumentNode<OpenTaskQuery, OpenTaskQueryVariables>;
export const StartBatchUpdateJobDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"StartBatchUpdateJob"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"BatchUpdateJobInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"startBatchUpdateJob"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"state"}},{"kind":"Field","name":{"kind":"Name","value":"total"}},{"kind":"Field","name":{"kind":"Name","value":"done"}},{"kind":"Field","name":{"kind":"Name","value":"succeeded"}},{"kind":"Field","name":{"kind":"Name","value":"accepted"}},{"kind":"Field","name":{"kind":"Name","value":"failed"}}]}}]}}]} as unknown as DocumentNode<StartBatchUpdateJobMutation, StartBatchUpdateJobMutationVariables>;
export const StreamUpdateDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"StreamUpdate"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"BatchUpdateTasksInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"batchUpdateTasks"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"results"},"directives":[{"kind":"Directive","name":{"kind":"Name","value":"stream"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"initialCount"},"value":{"kind":"IntValue","value":"0"}}]}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"TaskUpdateOutcome"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"index"}},{"kind":"Field","name":{"kind":"Name","value":"backend"}},{"kind":"Field","name":{"kind":"Name","value":"nativeId"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"TaskUpdateError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"retryable"}}]}}]}},{"kind":"InlineFragment","directives":[{"kind":"Directive","name":{"kind":"Name","value":"defer"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"succeeded"}},{"kind":"Field","name":{"kind":"Name","value":"accepted"}},{"kind":"Field","name":{"kind":"Name","value":"failed"}}]}}]}}]}}]} as unknown as DocumentNode<StreamUpdateMutation, StreamUpdateMutationVariables>;
export const UpdateDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"Update"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"idempotencyKey"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"batchUpdateTasks"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"idempotencyKey"},"value":{"kind":"Variable","name":{"kind":"Name","value":"idempotencyKey"}}},{"kind":"ObjectField","name":{"kind":"Name","value":"items"},"value":{"kind":"ListValue","values":[{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"zuora"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"id"},"value":{"kind":"StringValue","value":"2771","block":false}},{"kind":"ObjectField","name":{"kind":"Name","value":"status"},"value":{"kind":"EnumValue","value":"Stopped"}}]}}]},{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"ibmBpm"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"id"},"value":{"kind":"StringValue","value":"_TKI:a01b0130.23ef69dd.2c2a1ff5.7c9c0135","block":false}},{"kind":"ObjectField","name":{"kind":"Name","value":"priority"},"value":{"kind":"IntValue","value":"2"}}]}}]},{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"k2"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"serialNumber"},"value":{"kind":"StringValue","value":"12_8","block":false}},{"kind":"ObjectField","name":{"kind":"Name","value":"action"},"value":{"kind":"StringValue","value":"Approve","block":false}}]}}]},{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"superOffice"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"id"},"value":{"kind":"StringValue","value":"103","block":false}},{"kind":"ObjectField","name":{"kind":"Name","value":"description"},"value":{"kind":"StringValue","value":"checked","block":false}}]}}]}]}}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"succeeded"}},{"kind":"Field","name":{"kind":"Name","value":"accepted"}},{"kind":"Field","name":{"kind":"Name","value":"failed"}},{"kind":"Field","name":{"kind":"Name","value":"results"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"TaskUpdateOutcome"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"index"}},{"kind":"Field","name":{"kind":"Name","value":"backend"}},{"kind":"Field","name":{"kind":"Name","value":"nativeId"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"TaskUpdated"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"task"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"vendorStatus"}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"TaskUpdateAccepted"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"message"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"TaskUpdateError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"vendorCode"}},{"kind":"Field","name":{"kind":"Name","value":"retryable"}}]}}]}}]}}]}}]} as unknown as DocumentNode<UpdateMutation, UpdateMutationVariables>;