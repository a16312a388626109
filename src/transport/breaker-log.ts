// One log line per circuit state change, with the failure behind it, instead of a stack trace for every
// failed call. Opening is the line an operator needs (warn, with its cause); closing again says the
// backend recovered (info). While the backend stays down the breaker keeps probing (half-open, then open
// again after a failed probe): those lines are debug, so an outage is two lines, not one per probe.

import type { Backend } from '../domain.js';
import type { Logger } from '../logger.js';
import type { BreakerState } from './breaker.js';
import { failureText } from './errors.js';
import type { HttpObserver } from './vendor-transport.js';

export function withBreakerLog(observer: HttpObserver, logger: Logger): HttpObserver {
  const last = new Map<Backend, BreakerState>();
  return {
    ...observer,
    onBreakerChange(backend, state, cause) {
      observer.onBreakerChange?.(backend, state, cause);
      const from = last.get(backend) ?? 'closed';
      last.set(backend, state);
      const line = { backend, circuit: state, ...(cause === undefined ? {} : { cause }) };
      if (state === 'open' && from === 'closed') logger.warn(line, `${backend} circuit open after: ${failureText(cause)}`);
      else if (state === 'closed') logger.info(line, `${backend} circuit closed: the backend answers again`);
      else if (state === 'open') logger.debug(line, `${backend} circuit open again: the probe failed (${failureText(cause)})`);
      else logger.debug(line, `${backend} circuit half-open: probing`);
    },
  };
}
