// The merged task list behind `tasks`: backends in a fixed order, each in its own list order, one opaque
// cursor (backend + offset in that backend's list). Backends are asked concurrently for just enough tasks
// to fill the page; the status filter is applied here, because no vendor filters on our normalised status.
// A backend that fails contributes what it returned before failing plus a BackendError entry; the page
// is still answered, and the pages after it say the walk misses that backend's other tasks.

import type { Backend, DomainTask, ErrorCode, TaskStatus } from './domain.js';
import type { BackendAdapter } from './vendors/adapter.js';
import type { Registry } from './registry.js';
import { isBackendError } from './errors.js';
import { isReadBudgetError } from './read-budget.js';
import type { ListPosition } from './global-id.js';
import type { Logger } from './logger.js';

export interface ListedTask { task: DomainTask; position: ListPosition }
export interface ListBackendError { backend: Backend; code: ErrorCode; message: string }
export interface TaskPage { items: ListedTask[]; hasNextPage: boolean; backendErrors: ListBackendError[] }

export interface PageRequest {
  backends?: readonly Backend[] | null;
  statuses?: readonly TaskStatus[] | null;
  first: number;
  after: ListPosition | null;
  /** Called with the rows of each vendor page before it is read; may throw to refuse it (the read budget). */
  charge?: (rows: number) => void;
}

const VENDOR_CHUNK = 100;

export async function listTaskPage(registry: Registry, req: PageRequest, signal: AbortSignal, logger?: Logger): Promise<TaskPage> {
  const wanted = req.backends?.length ? new Set(req.backends) : null;
  const statuses = req.statuses?.length ? new Set(req.statuses) : null;
  const all = registry.backends();
  const order = all.filter((b) => !wanted || wanted.has(b));
  const startIndex = req.after ? order.indexOf(req.after.backend) : 0;
  const backendErrors: ListBackendError[] = [];
  for (const b of order) {
    if (!registry.get(b) && wanted) {
      backendErrors.push({ backend: b, code: 'BACKEND_NOT_CONFIGURED', message: `backend ${b} is not configured on this taskhub` });
    }
  }
  if (startIndex < 0) return { items: [], hasNextPage: false, backendErrors };

  // Without a status filter, each backend is asked for just the page: whether more follow is the vendor's
  // own answer (TaskListSlice.done), given in the same call. With one, the tasks after the page may all be
  // filtered out, so one matching task more than asked is looked for; so is one for an empty page
  // (`first: 0`), which no vendor call would otherwise answer.
  const need = statuses || req.first === 0 ? req.first + 1 : req.first;
  const failed = new Set<Backend>();
  const slices = await Promise.all(order.slice(startIndex).map(async (backend, i): Promise<Collected> => {
    const adapter = registry.get(backend);
    if (!adapter) return { items: [], more: false };
    const from = i === 0 && req.after ? req.after.offset : 0;
    try {
      return await collect(adapter, from, need, statuses, signal, req.charge);
    } catch (err) {
      if (isReadBudgetError(err)) throw err;
      const e = err as { partial?: ListedTask[] };
      const cause = (err as { cause?: unknown }).cause ?? err;
      // A vendor failure is data for the client; anything else is a bug, and the client sees only that it failed.
      if (!isBackendError(cause)) logger?.error({ err: cause, backend }, 'listing tasks failed unexpectedly');
      backendErrors.push(toListError(backend, cause));
      failed.add(backend);
      return { items: e.partial ?? [], more: false };
    }
  }));
  const merged = slices.flatMap((s) => s.items);
  const items = merged.slice(0, req.first);
  markSkipped(items, order, req.after?.skipped ?? [], failed, backendErrors);
  return {
    items,
    hasNextPage: merged.length > req.first || slices.some((s) => s.more),
    backendErrors: backendErrors.sort((a, b) => all.indexOf(a.backend) - all.indexOf(b.backend)),
  };
}

/**
 * A walk that goes on past a backend that failed would miss the rest of that backend's tasks, and its last
 * page would look complete. So each position carries the backends it has passed without reading them (the
 * cursor's skipped list), and every page of the walk names them in backendErrors, to its last page.
 */
function markSkipped(
  items: ListedTask[], order: readonly Backend[], before: readonly Backend[], failed: ReadonlySet<Backend>, errors: ListBackendError[],
): void {
  for (const backend of before) {
    if (errors.some((e) => e.backend === backend)) continue;
    errors.push({ backend, code: 'BACKEND_UNAVAILABLE',
      message: `${backend} failed on an earlier page of this walk: its tasks from there on are missing from these pages; list again from the start to include them` });
  }
  for (const item of items) {
    const at = order.indexOf(item.position.backend);
    const skipped = [...before, ...[...failed].filter((b) => order.indexOf(b) < at && !before.includes(b))];
    if (skipped.length) item.position = { ...item.position, skipped };
  }
}

/** A backend's share of the page, and whether its vendor said tasks follow the last one read. */
interface Collected { items: ListedTask[]; more: boolean }

async function collect(
  adapter: BackendAdapter, from: number, need: number, statuses: Set<TaskStatus> | null, signal: AbortSignal,
  charge?: (rows: number) => void,
): Promise<Collected> {
  const out: ListedTask[] = [];
  let offset = from;
  let more = true;
  while (out.length < need && more) {
    // Without a status filter, ask for exactly what is missing; with one, read in full vendor pages.
    const limit = statuses ? VENDOR_CHUNK : Math.min(VENDOR_CHUNK, need - out.length);
    charge?.(limit);
    let slice;
    try {
      slice = await adapter.listTasks(offset, limit, signal);
    } catch (err) {
      throw Object.assign(new Error('list failed', { cause: err }), { partial: out });
    }
    slice.tasks.forEach((task, i) => {
      if (out.length < need && (!statuses || statuses.has(task.status))) {
        out.push({ task, position: { backend: adapter.backend, offset: offset + i + 1 } });
      }
    });
    offset += slice.tasks.length;
    more = !slice.done && slice.tasks.length > 0;
  }
  // With a filter, `more` may count tasks that do not match: only the extra matching task found above counts.
  return { items: out, more: !statuses && more };
}

function toListError(backend: Backend, err: unknown): ListBackendError {
  if (isBackendError(err)) return { backend, code: err.code, message: err.message };
  return { backend, code: 'BACKEND_UNAVAILABLE', message: `${backend} list failed unexpectedly` };
}
