// The direct script and taskhub as peer targets, each a process of its own on a free loopback port,
// configured with the contract's variables for the three JSON vendors (K2 left unconfigured: Mesh cannot
// serve it, so no target reads it).

import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BackendSettings } from '../../src/config.js';
import { freePort, startNode, stopGroup, waitUntilUp } from './processes.js';
import type { Target } from './processes.js';

const DIST_MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));
const DIRECT = fileURLToPath(new URL('./direct-server.ts', import.meta.url));

/** The node flags `npm start` gives the server (package.json's start script): the bench runs what users run. */
export const START_FLAGS: readonly string[] = (() => {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { scripts: { start: string } };
  const m = /^node((?: --\S+)*) dist\/main\.js$/.exec(pkg.scripts.start);
  if (!m) throw new Error(`package.json's start script is not \`node [flags] dist/main.js\`: ${pkg.scripts.start}`);
  return m[1]!.split(' ').filter(Boolean);
})();

/** ZUORA_BASE_URL, ZUORA_CLIENT_ID, … for the three JSON vendors of `settings`. */
export function vendorEnv(settings: BackendSettings): Record<string, string> {
  const { ZUORA: z, IBM_BPM: ibm, SUPEROFFICE: so } = settings;
  if (!z || !ibm || !so) throw new Error('the peer benchmark needs Zuora, IBM BPM and SuperOffice');
  return {
    ZUORA_BASE_URL: z.baseUrl, ZUORA_CLIENT_ID: z.clientId, ZUORA_CLIENT_SECRET: z.clientSecret,
    IBM_BPM_BASE_URL: ibm.baseUrl, IBM_BPM_USERNAME: ibm.username, IBM_BPM_PASSWORD: ibm.password,
    SUPEROFFICE_BASE_URL: so.baseUrl, SUPEROFFICE_TOKEN: so.token, ...(so.appToken ? { SUPEROFFICE_APP_TOKEN: so.appToken } : {}),
  };
}

export async function startDirect(settings: BackendSettings): Promise<Target> {
  const port = await freePort();
  const child = startNode('direct', ['--import', 'tsx', DIRECT], { ...vendorEnv(settings), PORT: String(port), NODE_ENV: 'production' });
  await waitUntilUp(`http://127.0.0.1:${port}/`, child);
  return { name: 'direct', url: `http://127.0.0.1:${port}`, pid: child.pid!, stop: () => stopGroup(child) };
}

/** `npm start` as deployed: `node <START_FLAGS> dist/main.js` (build first: `npm run build`), NODE_ENV=production. */
export async function startTaskhub(settings: BackendSettings, extraEnv: Record<string, string> = {}, execArgv: string[] = []): Promise<Target> {
  if (!existsSync(DIST_MAIN)) throw new Error(`${DIST_MAIN} is missing: run npm run build first`);
  const port = await freePort();
  const child = startNode('taskhub', [...START_FLAGS, ...execArgv, DIST_MAIN],
    { ...vendorEnv(settings), HOST: '127.0.0.1', PORT: String(port), NODE_ENV: 'production', ...extraEnv });
  // One that never comes up is stopped, not left running behind the failed bench.
  await waitUntilUp(`http://127.0.0.1:${port}/ready`, child).catch(async (err: unknown) => { await stopGroup(child); throw err; });
  return { name: 'taskhub', url: `http://127.0.0.1:${port}/graphql`, pid: child.pid!, stop: () => stopGroup(child) };
}
