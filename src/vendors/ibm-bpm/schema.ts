// IBM BPM / BAW BPEL human tasks: its task type and its update input.

import type { IbmBpmTask, IbmBpmTaskUpdate } from './model.js';
import type { VendorSchemaKit, VendorSchemaParts } from '../../schema/vendor-kit.js';
import { compact } from '../../schema/vendor-kit.js';

/** Registers the task type and the update input; core builds the rest of the schema around them. */
export function ibmBpmSchema({ builder, NodeRef, TaskRef, KeyValueRef, KeyValueInput, isTaskOf }: VendorSchemaKit): VendorSchemaParts<IbmBpmTaskUpdate, typeof IbmBpmTaskUpdateInput.$inferInput> {
  builder.objectRef<IbmBpmTask>('IbmBpmTask').implement({
    description: 'An IBM BPM / BAW BPEL human task (GET /rest/bpm/htm/v1/task/{tkiid}).',
    interfaces: [NodeRef, TaskRef],
    isTypeOf: isTaskOf('IBM_BPM'),
    fields: (t) => ({
      tkiid: t.exposeString('tkiid', { description: 'The task instance id, e.g. `_TKI:a01b0130.23ef69dd.2c2a1ff5.7c9c0135`.' }),
      displayName: t.exposeString('displayName', { nullable: true, description: 'Display name.' }),
      state: t.exposeString('state', { nullable: true, description: 'IBM state, e.g. STATE_READY.' }),
      kind: t.exposeString('kind', { nullable: true, description: 'Task kind, e.g. KIND_HUMAN.' }),
      owner: t.exposeString('owner', { nullable: true, description: 'Current owner.' }),
      originator: t.exposeString('originator', { nullable: true, description: 'Who created the task.' }),
      starter: t.exposeString('starter', { nullable: true, description: 'Who started it.' }),
      dueTime: t.exposeString('dueTime', { nullable: true, description: 'When it is due (ISO-8601).' }),
      activationTime: t.exposeString('activationTime', { nullable: true, description: 'When it was activated.' }),
      firstActivationTime: t.exposeString('firstActivationTime', { nullable: true, description: 'When it was first activated.' }),
      startTime: t.exposeString('startTime', { nullable: true, description: 'When it started.' }),
      completionTime: t.exposeString('completionTime', { nullable: true, description: 'When it completed.' }),
      lastModificationTime: t.exposeString('lastModificationTime', { nullable: true, description: 'When it last changed.' }),
      expirationTime: t.exposeString('expirationTime', { nullable: true, description: 'When it expires or expired.' }),
      suspended: t.exposeBoolean('suspended', { nullable: true, description: 'Whether it is suspended.' }),
      isEscalated: t.exposeBoolean('isEscalated', { nullable: true, description: 'Whether an escalation occurred.' }),
      isWaitingForSubTask: t.exposeBoolean('isWaitingForSubTask', { nullable: true, description: 'Whether it waits for a subtask.' }),
      businessRelevance: t.exposeBoolean('businessRelevance', { nullable: true, description: 'Business relevant, as opposed to an auxiliary step.' }),
      assignedTo: t.exposeString('assignedTo', { nullable: true, description: 'User or group it is assigned to.' }),
      assignedToType: t.exposeString('assignedToType', { nullable: true, description: '"User" or "Group".' }),
      namespace: t.exposeString('namespace', { nullable: true, description: 'Namespace categorising the task.' }),
      type: t.exposeString('type', { nullable: true, description: 'Type of the task.' }),
      workBasketName: t.exposeString('workBasketName', { nullable: true, description: 'Work basket it belongs to.' }),
      positionInHierarchy: t.exposeString('positionInHierarchy', { nullable: true, description: 'Top task, subtask or follow-on task.' }),
      customProperties: t.field({ type: [KeyValueRef], description: 'Custom properties.', resolve: (i) => i.customProperties }),
    }),
  });

  const str = (description: string) => ({ description });

  const IbmBpmTaskUpdateInput = builder.inputType('IbmBpmTaskUpdateInput', {
    description: "Changes to one IBM task: IBM's bulk update properties (PUT /rest/bpm/htm/v1/task?action=update). Items with the same values are sent in one call. Omitted or null fields are left unchanged.",
    fields: (t) => ({
      id: t.id({ required: true, description: 'The tkiid.' }),
      priority: t.int(str('Priority.')),
      displayName: t.string(str('Display name.')),
      description: t.string(str('Description.')),
      dueTime: t.string(str('When it is due (ISO-8601 date-time).')),
      customProperties: t.field({ type: [KeyValueInput], description: 'Custom properties to set (others are kept).' }),
      businessRelevance: t.boolean(str('Business relevant, or an auxiliary step.')),
      contextAuthorizationOfOwner: t.string(str('Authorization rights of the owner to the associated context.')),
      deletionTime: t.string(str('When the task is deleted (ISO-8601 date-time).')),
      durationUntilDeleted: t.string(str('How long the task is kept after it ends (ISO-8601 duration, e.g. P14D).')),
      durationUntilDue: t.string(str('When the task becomes due (ISO-8601 duration).')),
      durationUntilExpires: t.string(str('When the task expires once activated (ISO-8601 duration).')),
      eventHandlerName: t.string(str('Associated event handler.')),
      expirationTime: t.string(str('When the task expires (ISO-8601 date-time).')),
      isEscalated: t.boolean(str('Whether an escalation occurred.')),
      isRead: t.boolean(str('Whether the task is marked read.')),
      name: t.string(str('Name of the task instance.')),
      namespace: t.string(str('Namespace categorising the task.')),
      parentContextID: t.string(str('Parent context id.')),
      supportsClaimIfSuspended: t.boolean(str('Whether it can be claimed while suspended.')),
      supportsDelegation: t.boolean(str('Whether it supports delegation.')),
      supportsFollowOnTasks: t.boolean(str('Whether it supports follow-on tasks.')),
      supportsSubTasks: t.boolean(str('Whether it supports subtasks.')),
      type: t.string(str('Type of the task.')),
      workBasketName: t.string(str('Work basket it belongs to.')),
    }),
  });

  return {
    typeName: 'IbmBpmTask',
    input: IbmBpmTaskUpdateInput,
    inputDescription: 'An IBM BPM task update.',
    toUpdate: (input) => ({ ...compact(input), id: String(input.id) }),
  };
}
