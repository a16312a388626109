// One side of the benchmark alone, for `node --cpu-prof`: the profile then holds the facade (or the
// baseline) and nothing else from this process. Emulators and the load generator run in child processes.
//   node --cpu-prof --cpu-prof-dir=bench/results/prof --import tsx bench/profile-run.ts batch facade 10000
//   node --cpu-prof --cpu-prof-dir=bench/results/prof --import tsx bench/profile-run.ts nodes50 facade
//   npx tsx bench/profile-summary.ts bench/results/prof/<file>.cpuprofile

import { startReadBaseline } from './baseline-reads.js';
import { runDirectBatch } from './baseline.js';
import { createDirect } from './direct.js';
import { startEmulatorProcess } from './emulator-process.js';
import { startFacade } from './facade.js';
import { startLoadProcess } from './reads.js';
import { BACKEND_ORDER, BATCH_MUTATION, LIST_QUERY, NODES_QUERY, batchItems } from './workload.js';
import { encodeGlobalId } from '../src/global-id.js';

const [what = 'batch', impl = 'facade', sizeArg = '10000'] = process.argv.slice(2);
if (!['batch', 'list100', 'nodes50'].includes(what) || !['facade', 'baseline'].includes(impl)) {
  throw new Error('usage: bench/profile-run.ts batch|list100|nodes50 facade|baseline [items]');
}
const size = Number(sizeArg);
const emu = await startEmulatorProcess({ latencyMs: 20, extraTasks: what === 'batch' ? Math.ceil(size / 4) : 15 }, () => {});
try {
  if (what === 'batch') {
    const facade = impl === 'facade' ? await startFacade(emu.settings) : undefined;
    const direct = createDirect(emu.settings);
    for (let run = 1; run <= 4; run++) {
      const items = batchItems(size, emu.ids, run);
      const t0 = performance.now();
      if (facade) await facade.post(JSON.stringify({ query: BATCH_MUTATION, variables: { input: { items } } }));
      else await runDirectBatch(direct, items);
      console.log(`${impl} ${size} items: ${(performance.now() - t0).toFixed(0)} ms`);
    }
    await direct.close();
    await facade?.close();
  } else {
    const ids = Array.from({ length: 50 }, (_, k) => encodeGlobalId(BACKEND_ORDER[k % 4]!, emu.ids[BACKEND_ORDER[k % 4]!][Math.floor(k / 4)]!));
    const facade = impl === 'facade' ? await startFacade(emu.settings) : undefined;
    const base = impl === 'baseline' ? await startReadBaseline(emu.settings) : undefined;
    const load = startLoadProcess();
    await load.ready;
    const body = what === 'list100'
      ? (facade ? JSON.stringify({ query: LIST_QUERY, variables: { first: 100 } }) : JSON.stringify({ first: 100 }))
      : (facade ? JSON.stringify({ query: NODES_QUERY, variables: { ids } }) : JSON.stringify({ ids }));
    const url = facade ? facade.url : `${base!.url}/${what === 'list100' ? 'list' : 'nodes'}`;
    // A fixed count, not a duration: no request is cut off (and cancelled) when the run ends.
    const s = await load.run({ url, body, connections: 32, durationSec: 10, amount: 32 * 8 });
    console.log(`${impl} ${what}: ${s.throughput.toFixed(0)} req/s, p50 ${s.p50Ms} ms, p99 ${s.p99Ms} ms`);
    load.close();
    await facade?.close();
    await base?.close();
  }
} finally {
  await emu.close();
}
