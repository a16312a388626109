import { describe, expect, it } from 'vitest';
import { safeText } from '../../src/safe-text.js';
import { BackendError } from '../../src/errors.js';
import {
  carrierId, errorFromReply, isValidBatchTaskId, needsCurrentTask, statusOfState,
  taskFromPutReply, taskFromReadReply, tasksFromListReply, toPutBody, toSuperOfficeTask, validateSuperOfficeUpdate,
} from '../../src/vendors/superoffice/mapping.js';
import { superOfficeSeed } from '../../src/vendors/superoffice/emulator.js';
import type { BatchTaskInfoWire } from '../../src/vendors/superoffice/wire.js';

const wire = (over: Partial<BatchTaskInfoWire> = {}): BatchTaskInfoWire => ({ ...superOfficeSeed()[0]!, ...over });
const thrown = (fn: () => unknown): BackendError => {
  try { fn(); } catch (err) { if (err instanceof BackendError) return err; throw err; }
  throw new Error('expected a BackendError');
};

describe('SuperOffice status mapping (contract §4)', () => {
  it.each([
    ['New', 'NEW'], ['Aquired', 'IN_PROGRESS'], ['Started', 'IN_PROGRESS'], ['Succeeded', 'COMPLETED'],
    ['SucceededManualCleanup', 'COMPLETED'], ['Failed', 'FAILED'], ['Unknown', 'UNKNOWN'],
    ['All', 'UNKNOWN'], ['Acquired', 'UNKNOWN'], ['toString', 'UNKNOWN'], [null, 'UNKNOWN'],
  ] as const)('%s → %s', (state, status) => {
    expect(statusOfState(state)).toBe(status);
  });

  it('keeps the vendor word, Aquired spelt as on the wire', () => {
    const t = toSuperOfficeTask(wire({ State: 'Aquired' }), 101);
    expect(t.status).toBe('IN_PROGRESS');
    expect(t.vendorStatus).toBe('Aquired');
    expect(t.state).toBe('Aquired');
  });

  it('names a numeric state instead of losing it', () => {
    expect(toSuperOfficeTask(wire({ State: 2 }), 101)).toMatchObject({ state: 'Aquired', status: 'IN_PROGRESS' });
    expect(toSuperOfficeTask(wire({ State: 6 }), 101)).toMatchObject({ state: 'SucceededManualCleanup', status: 'COMPLETED' });
  });

  it('the seed covers every state the contract maps', () => {
    const states = new Set(superOfficeSeed().map((t) => t.State));
    for (const s of ['New', 'Aquired', 'Started', 'Succeeded', 'SucceededManualCleanup', 'Failed', 'Unknown']) {
      expect(states).toContain(s);
    }
  });
});

describe('SuperOffice task mapping', () => {
  it('maps every field; name, description, priority null', () => {
    const t = toSuperOfficeTask(wire(), 101);
    expect(t).toMatchObject({
      backend: 'SUPEROFFICE', nativeId: '101', id: 101, name: 'Mass mailing: Spring newsletter 2024',
      description: 'Newsletter to 1 204 recipients', priority: null, associateId: 14, progressPercent: 100,
      response: 'Sent 1 204, bounced 17', request: 'selection=412', databaseSerialNumber: '1630833',
      isSystemTask: false, cancellationBehaviour: 'CanCancel', parameterObject: { SelectionId: '501', Culture: 'en-US' },
    });
  });

  it('keeps 7-digit dates with offset verbatim, and offset-less SO-TimeZone dates too', () => {
    const t = toSuperOfficeTask(wire({ Created: '2006-08-14T03:47:00.3943072+02:00', LastStarted: '2006-08-14T03:47:00.3943072' }), 1);
    expect(t.created).toBe('2006-08-14T03:47:00.3943072+02:00');
    expect(t.lastStarted).toBe('2006-08-14T03:47:00.3943072');
  });

  it('missing fields become null, never undefined', () => {
    const t = toSuperOfficeTask({ Id: 5 }, 5);
    expect(t).toMatchObject({ name: null, state: null, vendorStatus: null, status: 'UNKNOWN', created: null, parameterObject: null });
  });
});

describe('SuperOffice ids and carriers', () => {
  it.each([['1', true], ['2147483647', true], ['2147483648', false], ['0', false], ['007', false], ['-1', false],
    ['+1', false], ['1.0', false], ['1/2', false], ['', false], ['New', false], [' 1', false]] as const)('%j valid=%s', (id, ok) => {
    expect(isValidBatchTaskId(id)).toBe(ok);
  });

  it.each([[undefined], [null], [{}], [{ Id: 0 }], [{ Id: null }], [[]], ['x'], [{ Id: -3 }]])('%j is an empty carrier', (body) => {
    expect(carrierId(body)).toBeNull();
  });

  it('a carrier id as decimal string is accepted', () => {
    expect(carrierId({ Id: '42' })).toBe(42);
  });
});

describe('SuperOffice replies', () => {
  const notFound = JSON.stringify({ Error: true, ErrorType: 'SoNotFoundException', ErrorMessage: 'BatchTask id 99 not found', ErrorSource: 'SuperOffice.Services.Implementation' });

  it.each([
    [404, notFound, 'NOT_FOUND', 'SoNotFoundException', false],
    [400, JSON.stringify({ Error: true, ErrorType: 'ArgumentException', ErrorMessage: "Requested value 'X' was not found." }), 'REJECTED', 'ArgumentException', false],
    [401, '', 'BACKEND_AUTH_FAILED', undefined, false],
    [403, JSON.stringify({ Error: true, ErrorType: 'SoAccessDeniedException', ErrorMessage: 'no' }), 'PERMISSION_DENIED', 'SoAccessDeniedException', false],
    [412, '', 'REJECTED', undefined, false],
    [405, JSON.stringify({ Message: "The requested resource does not support http method 'PATCH'." }), 'REJECTED', undefined, false],
    [500, '<html>IIS</html>', 'BACKEND_UNAVAILABLE', undefined, true],
    [503, '', 'BACKEND_UNAVAILABLE', undefined, true],
    [429, '', 'BACKEND_UNAVAILABLE', undefined, true],
  ] as const)('HTTP %i → %s', (status, body, code, vendorCode, retryable) => {
    const e = errorFromReply(status, body);
    expect(e.code).toBe(code);
    expect(e.vendorCode).toBe(vendorCode);
    expect(e.retryable).toBe(retryable);
    expect(e.status).toBe(status);
  });

  it('vendor messages are shown without stack traces, URLs or tokens', () => {
    const msg = safeText('Failed for https://online.superoffice.com/Cust1/api with 8A:Cust1.secretToken\n   at SuperOffice.X.Y(Int32 id)');
    expect(msg).toBe('Failed for [url] with [token]');
    expect(errorFromReply(404, notFound).message).toContain('BatchTask id 99 not found');
  });

  it('a read: 404 and empty carriers are NOT_FOUND, a carrier for another id is an error', () => {
    expect(thrown(() => taskFromReadReply(99, 404, notFound)).code).toBe('NOT_FOUND');
    expect(thrown(() => taskFromReadReply(99, 200, '')).code).toBe('NOT_FOUND');
    expect(thrown(() => taskFromReadReply(99, 200, '{"Id":0}')).code).toBe('NOT_FOUND');
    expect(thrown(() => taskFromReadReply(99, 200, JSON.stringify(wire()))).code).toBe('BACKEND_UNAVAILABLE');
    expect(thrown(() => taskFromReadReply(99, 200, '\u0000<{{garbage')).code).toBe('BACKEND_UNAVAILABLE');
    expect(taskFromReadReply(101, 200, '\uFEFF' + JSON.stringify(wire())).id).toBe(101);
  });

  it('a list is sorted by Id, deduplicated, and rows without an Id are left out', () => {
    const body = JSON.stringify([wire({ Id: 7 }), wire({ Id: 3 }), {}, wire({ Id: 7 }), wire({ Id: 5 })]);
    expect(tasksFromListReply(200, body).map((t) => t.id)).toEqual([3, 5, 7]);
    expect(thrown(() => tasksFromListReply(200, '{"value":[]}')).code).toBe('BACKEND_UNAVAILABLE');
    expect(tasksFromListReply(200, '[]')).toEqual([]);
  });

  it.each([[''], ['{}'], ['null'], ['{"Id":0,"State":"Unknown"}'], ['{"Id":null}']])('a PUT answered %j is not confirmed', (body) => {
    const e = thrown(() => taskFromPutReply(101, 200, body, { id: '101', state: 'Failed' }));
    expect(e.code).toBe('OUTCOME_UNKNOWN');
    expect(e.retryable).toBe(false);
  });

  it('a PUT is confirmed only with the values the caller gave; fields carried over from the read are not judged', () => {
    const sent = { id: '101', state: 'Failed' as const, description: 'two\nlines' };
    // Line endings may come back as CRLF from a .NET server: the same text.
    expect(taskFromPutReply(101, 200, JSON.stringify(wire({ State: 'Failed', Description: 'two\r\nlines', Request: 'changed elsewhere' })), sent))
      .toMatchObject({ id: 101, status: 'FAILED' });
    const kept = thrown(() => taskFromPutReply(101, 200, JSON.stringify(wire({ State: 'Started', Description: 'two\nlines' })), sent));
    expect(kept).toMatchObject({ code: 'REJECTED', retryable: false });
    expect(kept.message).toContain('State Started, not Failed');
    const cut = thrown(() => taskFromPutReply(101, 200, JSON.stringify(wire({ State: 'Failed', Description: 'two' })), sent));
    expect(cut).toMatchObject({ code: 'REJECTED' });
    expect(cut.message).toContain('Description');
    expect(cut.message).not.toContain('two');
  });

  it('a PUT answered for another task is not confirmed; for the task itself it is', () => {
    expect(thrown(() => taskFromPutReply(102, 200, JSON.stringify(wire()), { id: '102', state: 'Failed' })).code).toBe('OUTCOME_UNKNOWN');
    expect(taskFromPutReply(101, 200, JSON.stringify(wire({ State: 'Failed' })), { id: '101', state: 'Failed' })).toMatchObject({ id: 101, status: 'FAILED' });
  });
});

describe('SuperOffice updates', () => {
  const current = toSuperOfficeTask(wire(), 101);

  it('sends Id and all four writable fields, unchanged ones with their current values', () => {
    expect(toPutBody(101, { id: '101', description: 'new' }, current)).toEqual({
      Id: 101, State: 'Succeeded', Description: 'new', Response: 'Sent 1 204, bounced 17', Request: 'selection=412',
    });
  });

  it('null means "keep", like absent', () => {
    const u = { id: '101', state: 'Failed', response: null } as unknown as Parameters<typeof toPutBody>[1];
    expect(toPutBody(101, u, current)).toMatchObject({ State: 'Failed', Response: 'Sent 1 204, bounced 17' });
    expect(needsCurrentTask(u)).toBe(true);
  });

  it('skips the read only when all four are given', () => {
    expect(needsCurrentTask({ id: '1', state: 'New', description: '', response: '', request: '' })).toBe(false);
    expect(needsCurrentTask({ id: '1', state: 'New', description: '', response: '' })).toBe(true);
  });

  it.each([
    [{ id: '101', state: 'New' }, null],
    [{ id: '101', description: '' }, null],
    [{ id: '0101', state: 'New' }, 'not a SuperOffice BatchTask id'],
    [{ id: '101' }, 'nothing to update'],
    [{ id: '101', state: 'All' }, 'query wildcard'],
    [{ id: '101', state: 'Done' }, 'unknown BatchTask state'],
  ])('%j', (u, problem) => {
    const r = validateSuperOfficeUpdate(u as Parameters<typeof validateSuperOfficeUpdate>[0]);
    if (problem === null) expect(r).toBeNull(); else expect(r).toContain(problem);
  });
});
