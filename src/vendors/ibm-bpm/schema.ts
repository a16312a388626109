// IBM BPM / BAW BPEL human tasks: its task type and its update input.

import type { InputFieldsFromShape } from '@pothos/core';
import type { KeyValue } from '../../domain.js';
import type { IbmBpmTask, IbmBpmTaskUpdate } from './model.js';
import { IBM_UPDATE_PROPERTIES } from './wire.js';
import type { IbmUpdateProperty, IbmUpdatedPropertyValues } from './wire.js';
import type { SchemaTypes } from '../../schema/builder.js';
import type { VendorSchemaKit, VendorSchemaParts } from '../../schema/vendor-kit.js';
import { compact } from '../../schema/vendor-kit.js';

/** The update input as GraphQL coerces it: the tkiid, and each documented property as IBM types it. */
type UpdateInputShape = { id: string | number; customProperties?: KeyValue[] | null }
  & { [P in Exclude<IbmUpdateProperty, 'customProperties'>]?: IbmUpdatedPropertyValues[P] | null };

/** The update input's field descriptions: one per property IBM documents (wire.ts), and no other. */
const PROPERTY_DESCRIPTIONS: Record<IbmUpdateProperty, string> = {
  priority: 'Priority.',
  displayName: 'Display name.',
  description: 'Description.',
  dueTime: 'When it is due (ISO-8601 date-time).',
  customProperties: 'Custom properties to set (others are kept).',
  businessRelevance: 'Business relevant, or an auxiliary step.',
  contextAuthorizationOfOwner: 'Authorization rights of the owner to the associated context.',
  deletionTime: 'When the task is deleted (ISO-8601 date-time).',
  durationUntilDeleted: 'How long the task is kept after it ends (ISO-8601 duration, e.g. P14D).',
  durationUntilDue: 'When the task becomes due (ISO-8601 duration).',
  durationUntilExpires: 'When the task expires once activated (ISO-8601 duration).',
  eventHandlerName: 'Associated event handler.',
  expirationTime: 'When the task expires (ISO-8601 date-time).',
  isEscalated: 'Whether an escalation occurred.',
  isRead: 'Whether the task is marked read.',
  name: 'Name of the task instance.',
  namespace: 'Namespace categorising the task.',
  parentContextID: 'Parent context id.',
  supportsClaimIfSuspended: 'Whether it can be claimed while suspended.',
  supportsDelegation: 'Whether it supports delegation.',
  supportsFollowOnTasks: 'Whether it supports follow-on tasks.',
  supportsSubTasks: 'Whether it supports subtasks.',
  type: 'Type of the task.',
  workBasketName: 'Work basket it belongs to.',
};

/** Registers the task type and the update input; core builds the rest of the schema around them. */
export function ibmBpmSchema({ builder, NodeRef, TaskRef, KeyValueRef, KeyValueInput, isTaskOf }: VendorSchemaKit): VendorSchemaParts<IbmBpmTaskUpdate, UpdateInputShape> {
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

  const IbmBpmTaskUpdateInput = builder.inputRef<UpdateInputShape>('IbmBpmTaskUpdateInput').implement({
    description: "Changes to one IBM task: IBM's bulk update properties (PUT /rest/bpm/htm/v1/task?action=update). Items with the same values are sent in one call. Omitted or null fields are left unchanged.",
    fields: (t) => {
      // One optional field per documented property (wire.ts), of the GraphQL type matching its JSON type.
      const field = ([property, description]: [IbmUpdateProperty, string]) => {
        const type = IBM_UPDATE_PROPERTIES[property];
        return [property, type === 'boolean' ? t.boolean({ description }) : type === 'integer' ? t.int({ description })
          : type === 'object' ? t.field({ type: [KeyValueInput], description }) : t.string({ description })] as const;
      };
      const properties = Object.fromEntries((Object.entries(PROPERTY_DESCRIPTIONS) as Array<[IbmUpdateProperty, string]>).map(field));
      return { id: t.id({ required: true, description: 'The tkiid.' }), ...properties } as InputFieldsFromShape<SchemaTypes, UpdateInputShape, 'InputObject'>;
    },
  });

  return {
    typeName: 'IbmBpmTask',
    input: IbmBpmTaskUpdateInput,
    inputDescription: 'An IBM BPM task update.',
    toUpdate: (input) => ({ ...compact(input), id: String(input.id) }),
  };
}
