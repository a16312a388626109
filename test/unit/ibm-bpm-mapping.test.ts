import { describe, expect, it } from 'vitest';
import { safeText } from '../../src/safe-text.js';
import {
  errorFromResponse, idsNamedBy, isIsoDateTime, isIsoDuration, isValidTkiid, meansNoSuchTask, outcomeFromFailure,
  parseBulkReply, propertyValuesOf, statusOf, taskFromWire, tasksFromList, validateUpdate,
} from '../../src/vendors/ibm-bpm/mapping.js';

const ID = '_TKI:a01b0130.23ef69dd.2c2a1ff5.7c9c0135';

describe('IBM BPM status mapping (contract §4)', () => {
  it.each([
    ['STATE_INACTIVE', 'NEW'], ['STATE_READY', 'READY'], ['STATE_CLAIMED', 'IN_PROGRESS'],
    ['STATE_RUNNING', 'IN_PROGRESS'], ['STATE_FINISHED', 'COMPLETED'], ['STATE_FORWARDED', 'COMPLETED'],
    ['STATE_FAILED', 'FAILED'], ['STATE_EXPIRED', 'FAILED'], ['STATE_TERMINATED', 'CANCELLED'],
    ['STATE_PROCESSING_UNDO', 'UNKNOWN'], ['state_ready', 'UNKNOWN'],
  ])('%s → %s, vendorStatus is the raw word', (state, status) => {
    const t = taskFromWire({ tkiid: ID, state, suspended: false })!;
    expect(t.status).toBe(status);
    expect(t.vendorStatus).toBe(state);
  });

  it('suspended: true wins over every state', () => {
    for (const state of ['STATE_READY', 'STATE_CLAIMED', 'STATE_FINISHED']) {
      expect(taskFromWire({ tkiid: ID, state, suspended: true })!.status).toBe('SUSPENDED');
    }
    expect(statusOf(null, true)).toBe('SUSPENDED');
  });

  it('a missing state is UNKNOWN with no vendorStatus', () => {
    const t = taskFromWire({ tkiid: ID })!;
    expect([t.status, t.vendorStatus]).toEqual(['UNKNOWN', null]);
  });
});

describe('IBM BPM task shapes', () => {
  it('maps the camelCase Task JSON', () => {
    const t = taskFromWire({
      tkiid: ID, name: 'ApproveInvoice', displayName: 'Approve invoice', description: 'd', state: 'STATE_READY', priority: 3,
      kind: 'KIND_HUMAN', owner: 'jdoe', dueTime: '2025-11-10T17:00:00.000Z', businessRelevance: false,
      customProperties: { costCenter: 'CC-1', region: 'EMEA' }, positionInHierarchy: 'HIERARCHY_POSITION_TOP_TASK',
    })!;
    expect(t).toMatchObject({
      backend: 'IBM_BPM', nativeId: ID, tkiid: ID, name: 'ApproveInvoice', displayName: 'Approve invoice', description: 'd',
      priority: 3, kind: 'KIND_HUMAN', owner: 'jdoe', dueTime: '2025-11-10T17:00:00.000Z', businessRelevance: false,
      positionInHierarchy: 'HIERARCHY_POSITION_TOP_TASK', starter: null,
    });
    expect(t.customProperties).toEqual([{ key: 'costCenter', value: 'CC-1' }, { key: 'region', value: 'EMEA' }]);
  });

  it('name falls back to displayName', () => {
    expect(taskFromWire({ tkiid: ID, displayName: 'Review claim' })!.name).toBe('Review claim');
  });

  it('reads UPPER-CASE query-table rows, integer codes included', () => {
    const t = taskFromWire({
      TKIID: ID, NAME: 'ReviewClaim', STATE: 8, PRIORITY: '4', SUSPENDED: 'FALSE', DUE: '2025-01-02T03:04:05Z',
      NAME_SPACE: 'urn:acme', KIND: 101, IS_ESCALATED: 1, BUSINESS_RELEVANCE: true, HIERARCHY_POSITION: 1,
      'TASK.OWNER': 'mgarcia', LAST_MODIFIED: 0,
    })!;
    expect(t).toMatchObject({
      tkiid: ID, name: 'ReviewClaim', state: 'STATE_CLAIMED', vendorStatus: 'STATE_CLAIMED', status: 'IN_PROGRESS',
      priority: 4, suspended: false, dueTime: '2025-01-02T03:04:05Z', namespace: 'urn:acme', kind: 'KIND_HUMAN',
      isEscalated: true, businessRelevance: true, positionInHierarchy: 'HIERARCHY_POSITION_SUB_TASK', owner: 'mgarcia',
      lastModificationTime: '1970-01-01T00:00:00.000Z',
    });
    expect(taskFromWire({ TKIID: ID, STATE: 99 })!.vendorStatus).toBe('99');
  });

  it('prefers the first-listed alias whatever the key order, and the first of two keys that read alike', () => {
    expect(taskFromWire({ tkiid: ID, DUE: 'short', dueTime: 'long' })!.dueTime).toBe('long');
    expect(taskFromWire({ tkiid: ID, dueTime: 'long', DUE: 'short' })!.dueTime).toBe('long');
    expect(taskFromWire({ tkiid: ID, 'TASK.OWNER': 'first', owner: 'second' })!.owner).toBe('first');
    expect(taskFromWire({ tkiid: ID, owner: null, OWNER: 'kept' })!.owner).toBe('kept');
  });

  it('reads the older isBusinessRelevant', () => {
    expect(taskFromWire({ tkiid: ID, isBusinessRelevant: false })!.businessRelevance).toBe(false);
  });

  it('a row without tkiid is not a task, and makes a list page unreadable', () => {
    expect(taskFromWire({ name: 'x' })).toBeNull();
    expect(tasksFromList({ identifier: 'TKIID', items: [{ tkiid: ID }, { name: 'x' }] })).toBeNull();
  });

  it('lists: {identifier, items} camelCase, UPPER-CASE items, bare arrays; garbage is null', () => {
    expect(tasksFromList({ identifier: 'TKIID', items: [{ tkiid: ID, state: 'STATE_READY' }] })!.map((t) => t.status)).toEqual(['READY']);
    expect(tasksFromList({ items: [{ TKIID: ID }] })!.map((t) => t.tkiid)).toEqual([ID]);
    expect(tasksFromList([{ tkiid: ID }])).toHaveLength(1);
    expect(tasksFromList({ identifier: 'TKIID' })).toBeNull();
    expect(tasksFromList('nope')).toBeNull();
  });
});

describe('IBM BPM update → wire', () => {
  it('sends only the fields set, customProperties list → object, keys sorted', () => {
    const v = propertyValuesOf({
      id: ID, priority: 2, displayName: '', customProperties: [{ key: 'z', value: '1' }, { key: 'a', value: '2' }],
    });
    expect(JSON.stringify(v)).toBe('{"customProperties":{"a":"2","z":"1"},"displayName":"","priority":2}');
    expect(v).not.toHaveProperty('id');
  });

  it('equal value sets give the same key whatever the input order', () => {
    const a = propertyValuesOf({ id: 'x', priority: 1, customProperties: [{ key: 'a', value: '1' }, { key: 'b', value: '2' }] });
    const b = propertyValuesOf({ customProperties: [{ key: 'b', value: '2' }, { key: 'a', value: '1' }], priority: 1, id: 'y' });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });
});

describe('IBM BPM validation', () => {
  it('ids: _TKI: and hex groups, bounded', () => {
    expect(isValidTkiid(ID)).toBe(true);
    expect(isValidTkiid('anything-else')).toBe(false);
    expect(isValidTkiid('_TKI:..')).toBe(false);
    expect(isValidTkiid('')).toBe(false);
    expect(isValidTkiid('_TKI:a\n')).toBe(false);
    expect(isValidTkiid('x'.repeat(201))).toBe(false);
  });

  it.each([
    [{ id: ID }, /at least one property/],
    [{ id: ID, customProperties: [] }, /at least one property/],
    [{ id: '', priority: 1 }, /id must/],
    [{ id: ID, priority: 1.5 }, /priority/],
    [{ id: ID, priority: 2 ** 31 }, /priority/],
    [{ id: ID, dueTime: '2025-02-30T10:00:00Z' }, /dueTime/],
    [{ id: ID, deletionTime: '2025-01-01' }, /deletionTime/],
    [{ id: ID, expirationTime: '2025-01-01T10:00:00' }, /expirationTime/],
    [{ id: ID, durationUntilDue: '14 days' }, /durationUntilDue/],
    [{ id: ID, durationUntilExpires: 'PT' }, /durationUntilExpires/],
    [{ id: ID, name: ' ' }, /name must not be empty/],
    [{ id: ID, customProperties: [{ key: '', value: 'v' }] }, /keys must not be empty/],
    [{ id: ID, customProperties: [{ key: 'k', value: '1' }, { key: 'k', value: '2' }] }, /more than once/],
  ])('refuses %j', (u, msg) => {
    expect(validateUpdate(u)).toMatch(msg);
  });

  it('accepts valid values, an empty displayName included', () => {
    expect(validateUpdate({
      id: ID, priority: -3, displayName: '', dueTime: '2026-03-01T17:00:00.250+01:00', durationUntilDeleted: 'P14D',
      durationUntilDue: 'PT8H30M', isRead: true, customProperties: [{ key: 'k', value: '' }],
    })).toBeNull();
    expect(isIsoDateTime('2024-02-29T23:59:59Z')).toBe(true);
    expect(isIsoDateTime('2025-02-29T23:59:59Z')).toBe(false);
    expect(isIsoDuration('P1Y2M3W4DT5H6M7.5S')).toBe(true);
    expect(isIsoDuration('P')).toBe(false);
  });
});

describe('IBM BPM replies and errors', () => {
  it('an empty 200 body (blank, BOM) is full success; {} too', () => {
    for (const body of ['', '  \r\n', '\uFEFF', '{}']) expect(parseBulkReply(body)).toEqual({ kind: 'report', failures: [] });
  });

  it('reads failedUpdates and failedOperations', () => {
    const f = { tkiid: ID, errorNumber: 'CWTKA0007E', errorMessage: 'm' };
    expect(parseBulkReply(JSON.stringify({ failedUpdates: [f] }))).toEqual({ kind: 'report', failures: [f] });
    expect(parseBulkReply(JSON.stringify({ description: 'd', failedOperations: [f] }))).toEqual({ kind: 'report', failures: [f] });
  });

  it.each(['\u0000<{{garbage]]', '[]', '"ok"', '{"failedUpdates":{}}', '{"status":"200"}', '{"failedUpd'])(
    'an unreadable 200 body %j is not a report', (body) => {
      expect(parseBulkReply(body).kind).toBe('unreadable');
    });

  it.each([
    ['CWTKA0024E', 'NOT_FOUND'], ['CWTKA0017E', 'NOT_FOUND'], ['CWTKA0001E', 'NOT_FOUND'],
    ['CWTKA0012E', 'PERMISSION_DENIED'], ['CWTKA0007E', 'REJECTED'], ['CWTKA0013E', 'REJECTED'],
  ])('per-tkiid failure %s → %s with vendorCode and message', (errorNumber, code) => {
    const o = outcomeFromFailure({ tkiid: ID, errorNumber, errorMessage: `${errorNumber}: text` });
    expect(o).toEqual({ kind: 'ERROR', code, vendorCode: errorNumber, message: `${errorNumber}: text`, retryable: false });
  });

  it('takes the code from the message when errorNumber is missing', () => {
    expect(outcomeFromFailure({ tkiid: ID, errorMessage: 'CWTKA0024E: gone' })).toMatchObject({ code: 'NOT_FOUND', vendorCode: 'CWTKA0024E' });
    expect(outcomeFromFailure({ tkiid: ID })).toMatchObject({ code: 'REJECTED', message: 'IBM BPM refused the update' });
  });

  it('whole-call statuses', () => {
    const body = JSON.stringify({ errorNumber: 'CWTBF0005E', errorMessage: 'CWTBF0005E: bad', programmersDetails: { stack: 'at x.y(Z.java:1)' } });
    expect(errorFromResponse(400, body)).toMatchObject({ code: 'REJECTED', vendorCode: 'CWTBF0005E', message: 'CWTBF0005E: bad', retryable: false });
    expect(errorFromResponse(401, '')).toMatchObject({ code: 'BACKEND_AUTH_FAILED', status: 401 });
    expect(errorFromResponse(403, '{"errorNumber":"CWTBG0651E"}')).toMatchObject({ code: 'BACKEND_AUTH_FAILED' });
    expect(errorFromResponse(403, body)).toMatchObject({ code: 'PERMISSION_DENIED' });
    expect(errorFromResponse(500, body)).toMatchObject({ code: 'BACKEND_UNAVAILABLE', retryable: true });
    expect(errorFromResponse(503, '<html>')).toMatchObject({ code: 'BACKEND_UNAVAILABLE', retryable: true });
    expect(errorFromResponse(404, '{"errorNumber":"CWTKA0024E"}')).toMatchObject({ code: 'NOT_FOUND' });
    expect(errorFromResponse(500, body).message).not.toContain('Z.java');
  });

  it('getTasks reads IBM\'s own 404 and 400 CWTKA0001E as "no such task"; a bare 404 and other 400s not', () => {
    expect(meansNoSuchTask(404, '{"errorNumber":"CWTKA0024E","errorMessage":"CWTKA0024E: not found"}')).toBe(true);
    expect(meansNoSuchTask(404, '')).toBe(false);
    expect(meansNoSuchTask(404, '<html>404 Not Found</html>')).toBe(false);
    // An IBM error that is not one of its not-found codes is an error on a 404 too, as errorFromResponse says.
    expect(meansNoSuchTask(404, '{"errorNumber":"CWTKA0012E","errorMessage":"CWTKA0012E: not authorized"}')).toBe(false);
    expect(errorFromResponse(404, '<html>404 Not Found</html>')).toMatchObject({ code: 'BACKEND_UNAVAILABLE', retryable: true });
    expect(meansNoSuchTask(400, '{"errorNumber":"CWTKA0001E","errorMessage":"CWTKA0001E: bad id"}')).toBe(true);
    expect(meansNoSuchTask(400, '{"errorNumber":"CWTBF0005E"}')).toBe(false);
  });

  it('finds the request ids a whole-call error names', () => {
    const other = '_TKI:a01b0130.23ef69dd.2c2a1ff5.7c9c0136';
    const body = JSON.stringify({ errorNumber: 'CWTKA0001E', errorMessage: `CWTKA0001E: The format of the ID ''${other}'' is invalid.` });
    expect(idsNamedBy(body, [ID, other])).toEqual([other]);
    expect(idsNamedBy(JSON.stringify({ errorMessageParameters: [ID] }), [ID, other])).toEqual([ID]);
    expect(idsNamedBy('{"errorMessage":"bad"}', [ID])).toEqual([]);
    // IBM may echo a tkiid in upper case, as in its failure reports.
    expect(idsNamedBy(JSON.stringify({ errorMessageParameters: [ID.toUpperCase()] }), [ID, other])).toEqual([ID]);
  });

  it('messages are safe to show', () => {
    const m = safeText(`CWTKA0024E:\u0000 see https://bpm.example.com:9443/rest?user=admin&pw=s3cret\n${'x'.repeat(400)}`);
    expect(m).not.toMatch(/s3cret|https|\u0000|\n/);
    expect(m.length).toBeLessThanOrEqual(300);
  });
});
