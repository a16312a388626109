// SuperOffice: its BatchTask type and its update input.

import { BATCH_TASK_STATES } from './model.js';
import type { SuperOfficeTask, SuperOfficeTaskUpdate } from './model.js';
import type { VendorSchemaKit, VendorSchemaParts } from '../../schema/vendor-kit.js';
import { compact } from '../../schema/vendor-kit.js';

/** Registers the task type and the update input; core builds the rest of the schema around them. */
export function superOfficeSchema({ builder, NodeRef, TaskRef, KeyValueRef, KeyValueInput, isTaskOf }: VendorSchemaKit): VendorSchemaParts<SuperOfficeTaskUpdate, typeof BatchTaskUpdateInput.$inferInput> {
  const BatchTaskStateEnum = builder.enumType('BatchTaskState', {
    description: "SuperOffice's BatchTaskState, spelt as on the wire (`Aquired` included). `All` is a query wildcard and cannot be set.",
    values: Object.fromEntries(BATCH_TASK_STATES.map((s) => [s, { description: `SuperOffice state "${s}".` }])) as Record<(typeof BATCH_TASK_STATES)[number], { description: string }>,
  });

  builder.objectRef<SuperOfficeTask>('BatchTask').implement({
    description: 'A SuperOffice batch task (GET /api/v1/BatchTask/{id}). Dates are kept exactly as SuperOffice sent them.',
    interfaces: [NodeRef, TaskRef],
    isTypeOf: isTaskOf('SUPEROFFICE'),
    fields: (t) => ({
      associateId: t.exposeInt('associateId', { nullable: true, description: 'Task owner; 0 for a system task.' }),
      state: t.exposeString('state', { nullable: true, description: 'The BatchTaskState as sent (e.g. `Aquired`).' }),
      progressPercent: t.exposeInt('progressPercent', { nullable: true, description: 'Progress, in percent of the estimated total.' }),
      progressDescription: t.exposeString('progressDescription', { nullable: true, description: 'Text for the current stage.' }),
      request: t.exposeString('request', { nullable: true, description: 'The request field.' }),
      response: t.exposeString('response', { nullable: true, description: 'The response field.' }),
      result: t.exposeString('result', { nullable: true, description: 'The result field.' }),
      created: t.exposeString('created', { nullable: true, description: 'Creation time, as sent.' }),
      lastStarted: t.exposeString('lastStarted', { nullable: true, description: 'When the task last started, as sent.' }),
      startCount: t.exposeInt('startCount', { nullable: true, description: 'How many times it was started.' }),
      isSystemTask: t.exposeBoolean('isSystemTask', { nullable: true, description: 'Not initiated by an associate.' }),
      isInternalTask: t.exposeBoolean('isInternalTask', { nullable: true, description: 'Writes no trace to the database.' }),
      detailsTable: t.exposeInt('detailsTable', { nullable: true, description: 'Table holding more information.' }),
      detailsRecord: t.exposeInt('detailsRecord', { nullable: true, description: 'Row in detailsTable.' }),
      databaseSerialNumber: t.exposeString('databaseSerialNumber', { nullable: true, description: 'Database the task runs on.' }),
      context: t.exposeString('context', { nullable: true, description: 'Context for the executing task.' }),
      fileName: t.exposeString('fileName', { nullable: true, description: 'File name (newer SuperOffice versions).' }),
      cancellationBehaviour: t.exposeString('cancellationBehaviour', { nullable: true, description: 'Cancellation behaviour (newer versions).' }),
      parameterObject: t.field({ type: 'JSON', nullable: true, description: 'Task parameters.', resolve: (s) => s.parameterObject ?? null }),
    }),
  });

  const BatchTaskUpdateInput = builder.inputType('BatchTaskUpdateInput', {
    description: 'Changes to one SuperOffice batch task (PUT /api/v1/BatchTask/{Id}). Only these four fields are writable; omitted or null ones keep their current values.',
    fields: (t) => ({
      id: t.id({ required: true, description: 'The BatchTask id (a positive integer).' }),
      state: t.field({ type: BatchTaskStateEnum, description: 'New state (not `All`).' }),
      description: t.string({ description: 'New description.' }),
      response: t.string({ description: 'New response text.' }),
      request: t.string({ description: 'New request text.' }),
    }),
  });

  return {
    typeName: 'BatchTask',
    input: BatchTaskUpdateInput,
    inputDescription: 'A SuperOffice batch task update.',
    toUpdate: (input) => ({ ...compact(input), id: String(input.id) }),
  };
}
