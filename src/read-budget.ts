// What one HTTP request may make taskhub read from the vendors. Depth, alias and token limits bound a
// document's shape, not its fan-out: 100 aliases of `nodes(ids:)` with 100 ids each, in an array of ten
// operations, is 100,000 vendor calls from one request, spent against tenants' own API quotas. So reads are
// counted per HTTP request (every operation of a batched request shares its budget), as the vendor reads
// they cause, and a field that would go past it gets a BAD_USER_INPUT error instead of its vendor calls;
// the fields within it still answer.

import { GraphQLError } from 'graphql';
import { createGraphQLError } from 'graphql-yoga';
import type { Backend } from './domain.js';

/** Tasks read by id (task, node, nodes, _entities, a confirmed update's read-back); _entities alone takes up to 1,000. */
export const MAX_TASKS_BY_ID_PER_REQUEST = 1000;
/** Task list rows read from the vendors: each vendor page read counts the rows it asks for. */
export const MAX_LIST_ROWS_PER_REQUEST = 5000;

interface Budget { reads: number; rows: number }

// Keyed by the request's abort signal: one per HTTP request, shared by the operations of a batched one.
const budgets = new WeakMap<AbortSignal, Budget>();
// What each operation has read already, keyed by its loaders: asked again, a task comes from its loader
// without a vendor call. Each operation of a batched request has loaders (and reads) of its own.
const readBy = new WeakMap<object, Set<string>>();

function budgetOf(request: AbortSignal): Budget {
  let budget = budgets.get(request);
  if (!budget) budgets.set(request, budget = { reads: 0, rows: 0 });
  return budget;
}

const BUDGET_ERROR = 'READ_BUDGET';

/** Whether `err` is this module's refusal (so a list's error handling passes it on, not as a vendor's). */
export const isReadBudgetError = (err: unknown): boolean => err instanceof GraphQLError && err.extensions['reason'] === BUDGET_ERROR;

/**
 * Counts a task read by id in `operation` (its loaders): the same task asked again in that operation is
 * free, as its loader fetches it once.
 */
export function spendTaskById(request: AbortSignal, operation: object, backend: Backend, nativeId: string): void {
  let read = readBy.get(operation);
  if (!read) readBy.set(operation, read = new Set());
  const key = `${backend}\u0000${nativeId}`;
  if (read.has(key)) return;
  const budget = budgetOf(request);
  if (budget.reads >= MAX_TASKS_BY_ID_PER_REQUEST) {
    throw createGraphQLError(
      `this request reads more than ${MAX_TASKS_BY_ID_PER_REQUEST} tasks by id (task, node, nodes, _entities and read-backs together); split it into several requests`,
      { extensions: { code: 'BAD_USER_INPUT', reason: BUDGET_ERROR } },
    );
  }
  budget.reads++;
  read.add(key);
}

/** Counts the rows one vendor page read asks for, before the call. */
export function spendListRows(request: AbortSignal, rows: number): void {
  const budget = budgetOf(request);
  if (budget.rows + rows > MAX_LIST_ROWS_PER_REQUEST) {
    throw createGraphQLError(
      `this request lists more than ${MAX_LIST_ROWS_PER_REQUEST} task rows from the vendors (over every tasks field); split it into several requests`,
      { extensions: { code: 'BAD_USER_INPUT', reason: BUDGET_ERROR } },
    );
  }
  budget.rows += rows;
}
