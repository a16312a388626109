// Zuora Workflow: its task type and its update input.

import { ZUORA_TASK_STATUSES } from './model.js';
import type { ZuoraTask, ZuoraTaskUpdate } from './model.js';
import type { VendorSchemaKit, VendorSchemaParts } from '../../schema/vendor-kit.js';
import { compact } from '../../schema/vendor-kit.js';

/** Registers the task type and the update input; core builds the rest of the schema around them. */
export function zuoraSchema({ builder, NodeRef, TaskRef, KeyValueRef, KeyValueInput, isTaskOf }: VendorSchemaKit): VendorSchemaParts<ZuoraTaskUpdate, typeof ZuoraTaskUpdateInput.$inferInput> {
  const ZuoraTaskStatusEnum = builder.enumType('ZuoraTaskStatus', {
    description: "Zuora's task instance status, spelt as Zuora spells it.",
    values: Object.fromEntries(ZUORA_TASK_STATUSES.map((s) => [s, { description: `Zuora status "${s}".` }])) as Record<(typeof ZUORA_TASK_STATUSES)[number], { description: string }>,
  });

  builder.objectRef<ZuoraTask>('ZuoraWorkflowTask').implement({
    description: 'A Zuora Workflow task (GET /workflows/tasks/{id}).',
    interfaces: [NodeRef, TaskRef],
    isTypeOf: isTaskOf('ZUORA'),
    fields: (t) => ({
      taskId: t.exposeInt('parentTaskId', { nullable: true, description: "Zuora's `task_id`: the parent task; null for the first task of a workflow." }),
      actionType: t.exposeString('actionType', { nullable: true, description: 'The type of task, e.g. Callout, If, Email, Billing::BillRun.' }),
      callType: t.exposeString('callType', { nullable: true, description: 'The type of API used, e.g. SOAP.' }),
      concurrentLimit: t.exposeInt('concurrentLimit', { nullable: true, description: 'How many of this task may run at once.' }),
      object: t.exposeString('object', { nullable: true, description: 'The object the task works on.' }),
      objectId: t.exposeString('objectId', { nullable: true, description: 'The id of that object.' }),
      tags: t.exposeStringList('tags', { description: 'Filter tags.' }),
      workflowId: t.exposeInt('workflowId', { nullable: true, description: 'The workflow the task belongs to.' }),
      instance: t.exposeBoolean('instance', { nullable: true, description: 'Whether the task belongs to a workflow instance (a run).' }),
      originalTaskId: t.exposeInt('originalTaskId', { nullable: true, description: 'For instance tasks: the task in the original workflow.' }),
      originalWorkflowId: t.exposeInt('originalWorkflowId', { nullable: true, description: 'For instance tasks: the original workflow.' }),
      startTime: t.exposeString('startTime', { nullable: true, description: 'For instance tasks: when it started (ISO-8601).' }),
      endTime: t.exposeString('endTime', { nullable: true, description: 'For instance tasks: when it ended (ISO-8601).' }),
      error: t.exposeString('error', { nullable: true, description: 'For failed instance tasks: the error reason.' }),
      errorClass: t.exposeString('errorClass', { nullable: true, description: 'For failed instance tasks: the error class.' }),
      errorDetails: t.exposeString('errorDetails', { nullable: true, description: 'For failed instance tasks: the error details.' }),
      parameters: t.field({ type: 'JSON', nullable: true, description: 'The configuration of the task, as Zuora holds it.', resolve: (z) => z.parameters ?? null }),
      data: t.field({ type: 'JSON', nullable: true, description: 'The run context of the task, as Zuora holds it.', resolve: (z) => z.data ?? null }),
    }),
  });

  const ZuoraTaskUpdateInput = builder.inputType('ZuoraTaskUpdateInput', {
    description: 'Changes to one Zuora task, sent with PUT /workflows/tasks/batch_update. Omitted or null fields are left unchanged.',
    fields: (t) => ({
      id: t.id({ required: true, description: 'The Zuora task id (a positive integer).' }),
      name: t.string({ description: 'New name.' }),
      status: t.field({ type: ZuoraTaskStatusEnum, description: 'New status.' }),
      tags: t.stringList({ description: 'New filter tags (replaces the list).' }),
      concurrentLimit: t.int({ description: 'How many may run at once, 1 to 9999999.' }),
      object: t.string({ description: 'The object the task works on.' }),
      objectId: t.string({ description: 'The id of that object.' }),
      actionType: t.string({ description: 'The type of task.' }),
      callType: t.string({ description: 'The type of API used.' }),
      workflowId: t.int({ description: 'The workflow the task belongs to.' }),
    }),
  });

  return {
    typeName: 'ZuoraWorkflowTask',
    input: ZuoraTaskUpdateInput,
    inputDescription: 'A Zuora Workflow task update.',
    toUpdate: (input) => ({ ...compact(input), id: String(input.id) }),
  };
}
