// K2: its task type and its update input.

import type { K2Action, K2Task, K2TaskUpdate } from './model.js';
import type { VendorSchemaKit, VendorSchemaParts } from '../../schema/vendor-kit.js';
import { compact } from '../../schema/vendor-kit.js';

/** Registers the task type and the update input; core builds the rest of the schema around them. */
export function k2Schema({ builder, NodeRef, TaskRef, KeyValueRef, KeyValueInput, isTaskOf }: VendorSchemaKit): VendorSchemaParts<K2TaskUpdate, typeof K2TaskUpdateInput.$inferInput> {
  const K2ActionRef = builder.objectRef<K2Action>('K2Action').implement({
    description: 'An action configured on a K2 task.',
    fields: (t) => ({
      name: t.exposeString('name', { description: 'Action name; send it as `action` in an update.' }),
      batchable: t.exposeBoolean('batchable', { description: 'Whether it can be applied through the Task service (batch updates).' }),
    }),
  });

  builder.objectRef<K2Task>('K2Task').implement({
    description: "A K2 worklist task of the service account (SyncREST Task/Items).",
    interfaces: [NodeRef, TaskRef],
    isTypeOf: isTaskOf('K2'),
    fields: (t) => ({
      serialNumber: t.exposeString('serialNumber', { description: 'Serial number, `{ProcessInstanceID}_{ActivityInstanceDestinationID}`.' }),
      processName: t.exposeString('processName', { nullable: true, description: 'Process name.' }),
      processFullName: t.exposeString('processFullName', { nullable: true, description: 'Process full name (Folder\\Name).' }),
      folio: t.exposeString('folio', { nullable: true, description: 'Process folio.' }),
      activityName: t.exposeString('activityName', { nullable: true, description: 'Activity name.' }),
      startDate: t.exposeString('startDate', { nullable: true, description: 'When the process started (ISO-8601).' }),
      originator: t.exposeString('originator', { nullable: true, description: 'Who started the process (K2 FQN).' }),
      data: t.exposeString('data', { nullable: true, description: 'The client event URL.' }),
      actions: t.field({ type: [K2ActionRef], description: 'Actions configured on the task.', resolve: (k) => k.actions }),
      processDataFields: t.field({ type: [KeyValueRef], description: 'Process data fields.', resolve: (k) => k.processDataFields }),
      activityDataFields: t.field({ type: [KeyValueRef], description: 'Activity data fields.', resolve: (k) => k.activityDataFields }),
    }),
  });

  const K2TaskUpdateInput = builder.inputType('K2TaskUpdateInput', {
    description: 'One K2 task update (POST Task/Items/UpdateTasks): exactly one of action, redirectTo, delegateTo, sleepSeconds, plus optional data fields. K2 actions are never sent twice by taskhub.',
    fields: (t) => ({
      serialNumber: t.string({ required: true, description: 'The serial number, e.g. 12_8.' }),
      action: t.string({ description: 'A batchable action of the task, e.g. Approve.' }),
      redirectTo: t.string({ description: 'Redirect to this user (K2 FQN, e.g. K2:DENALLIX\\Joe).' }),
      delegateTo: t.string({ description: 'Delegate to this user (K2 FQN).' }),
      sleepSeconds: t.int({ description: 'Sleep: >0 seconds, 0 indefinitely, <0 wakes the task.' }),
      processDataFields: t.field({ type: [KeyValueInput], description: 'Process data fields to set.' }),
      activityDataFields: t.field({ type: [KeyValueInput], description: 'Activity data fields to set.' }),
      processXmlFields: t.field({ type: [KeyValueInput], description: 'Process XML fields to set (the value is an XML document as text).' }),
      activityXmlFields: t.field({ type: [KeyValueInput], description: 'Activity XML fields to set.' }),
    }),
  });

  return {
    typeName: 'K2Task',
    input: K2TaskUpdateInput,
    inputDescription: 'A K2 task update.',
    toUpdate: (input) => compact(input),
  };
}
