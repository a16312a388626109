// What one HTTP request may make taskhub read from the vendors. Depth, alias and token limits bound a
// document's shape, not its fan-out: 100 aliases of `nodes(ids:)` with 100 ids each, in an array of ten
// operations, is 100,000 vendor calls from one request, spent against tenants' own API quotas. So reads are
// counted per HTTP request (every operation of a batched request shares its budget), and a field that would
// go past it gets a BAD_USER_INPUT error instead of its vendor calls; the fields within it still answer.

import { createGraphQLError } from 'graphql-yoga';
import type { Backend } from './domain.js';

/** Distinct tasks read by id (task, node, nodes, _entities); _entities alone takes up to 1,000. */
export const MAX_TASKS_BY_ID_PER_REQUEST = 1000;
/** Task list rows asked for: `first` (+1, to know whether more follow) times the backends listed, summed over `tasks` fields. */
export const MAX_LIST_ROWS_PER_REQUEST = 5000;

interface Budget { ids: Set<string>; rows: number }

// Keyed by the request's abort signal: one per HTTP request, shared by the operations of a batched one.
const budgets = new WeakMap<AbortSignal, Budget>();

function budgetOf(request: AbortSignal): Budget {
  let budget = budgets.get(request);
  if (!budget) budgets.set(request, budget = { ids: new Set(), rows: 0 });
  return budget;
}

/** Counts a task read by id (the same task asked again is free: the request's loaders fetch it once). */
export function spendTaskById(request: AbortSignal, backend: Backend, nativeId: string): void {
  const budget = budgetOf(request);
  const key = `${backend}\u0000${nativeId}`;
  if (budget.ids.has(key)) return;
  if (budget.ids.size >= MAX_TASKS_BY_ID_PER_REQUEST) {
    throw createGraphQLError(
      `this request reads more than ${MAX_TASKS_BY_ID_PER_REQUEST} tasks by id (task, node, nodes, _entities together); split it into several requests`,
      { extensions: { code: 'BAD_USER_INPUT' } },
    );
  }
  budget.ids.add(key);
}

/** Counts the rows a `tasks` field asks for, before any vendor call. */
export function spendListRows(request: AbortSignal, rows: number): void {
  const budget = budgetOf(request);
  if (budget.rows + rows > MAX_LIST_ROWS_PER_REQUEST) {
    throw createGraphQLError(
      `this request lists more than ${MAX_LIST_ROWS_PER_REQUEST} task rows (first + 1, times the backends listed, over every tasks field); split it into several requests`,
      { extensions: { code: 'BAD_USER_INPUT' } },
    );
  }
  budget.rows += rows;
}
