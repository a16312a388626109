// Resuming a batch whose earlier run was interrupted (its replica died mid-batch): applied to the plan of
// the whole batch, so planning decisions (duplicates, invalid items) are the same as the first time.
// - an item with a recorded result keeps it (answered from the journal, not sent);
// - an item whose vendor call had started is resent only when the vendor's writes are idempotent; for
//   others (actions that must not run twice) it may have been applied, so it is OUTCOME_UNKNOWN and never sent again;
// - everything else is sent as usual.

import { outcomeError } from '../domain.js';
import type { Backend } from '../domain.js';
import type { BatchPlan, PlannedGroup } from './plan.js';
import type { Recovery } from './batch-runs.js';

export function applyRecovery(plan: BatchPlan, recovery: Recovery | undefined): BatchPlan {
  if (!recovery) return plan;
  const decided = [...plan.decided];
  for (const [index, result] of recovery.settled) if (index < decided.length) decided[index] = result;
  const groups = new Map<Backend, PlannedGroup>();
  for (const [backend, group] of plan.groups) {
    const idempotent = group.adapter.idempotentWrites;
    const rest = group.items.filter((item) => {
      if (recovery.settled.has(item.index)) return false;
      if (recovery.inFlight.has(item.index) && !idempotent) {
        decided[item.index] = {
          index: item.index, backend, nativeId: item.nativeId,
          outcome: outcomeError('OUTCOME_UNKNOWN',
            `${backend} may have applied this update: an earlier call with this idempotencyKey sent it and stopped before the reply was recorded; check the task before retrying`,
            { retryable: false }),
        };
        return false;
      }
      return true;
    });
    if (rest.length) groups.set(backend, { adapter: group.adapter, items: rest });
  }
  return { decided, groups };
}
