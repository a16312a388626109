// The Mesh peer: compose bench/peers/mesh/mesh.config.ts with the Mesh v1 compose CLI into a supergraph,
// then serve it with Hive Gateway (`hive-gateway supergraph`), both from devDependencies, in a process of
// its own. Hive Gateway runs with NODE_ENV=production and its defaults (one process, no response cache),
// as a deployed gateway would. Mesh cannot run Zuora's OAuth client-credentials flow, so one token is
// fetched here and passed as a static header (nothing would refresh it in a long-running gateway).

import { spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BackendSettings } from '../../src/config.js';
import { freePort, startNode, stopGroup, waitUntilUp } from './processes.js';
import type { Target } from './processes.js';

const require = createRequire(import.meta.url);
const pkgDir = (name: string) => dirname(require.resolve(`${name}/package.json`));
const MESH_CONFIG = fileURLToPath(new URL('./mesh/mesh.config.ts', import.meta.url));
const OUT_DIR = fileURLToPath(new URL('../results/peers/', import.meta.url));

async function zuoraToken(baseUrl: string, clientId: string, clientSecret: string): Promise<string> {
  const res = await fetch(`${baseUrl}/oauth/token`, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: clientId, client_secret: clientSecret, grant_type: 'client_credentials' }),
  });
  if (!res.ok) throw new Error(`Zuora token: HTTP ${res.status}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

export async function startMeshGateway(settings: BackendSettings): Promise<Target> {
  const { ZUORA: z, IBM_BPM: ibm, SUPEROFFICE: so } = settings;
  if (!z || !ibm || !so) throw new Error('the Mesh peer needs Zuora, IBM BPM and SuperOffice');
  const env = {
    NODE_ENV: 'production',
    ZUORA_BASE_URL: z.baseUrl, ZUORA_TOKEN: await zuoraToken(z.baseUrl, z.clientId, z.clientSecret),
    IBM_BPM_BASE_URL: ibm.baseUrl, IBM_BPM_BASIC: Buffer.from(`${ibm.username}:${ibm.password}`).toString('base64'),
    SUPEROFFICE_BASE_URL: so.baseUrl, SUPEROFFICE_TOKEN: so.token,
  };
  await mkdir(OUT_DIR, { recursive: true });
  const supergraph = join(OUT_DIR, 'supergraph.graphql');
  const compose = spawn(process.execPath, [join(pkgDir('@graphql-mesh/compose-cli'), 'esm/bin.js'), '-c', MESH_CONFIG, '-o', supergraph], {
    cwd: OUT_DIR, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'],
  });
  let composeErr = '';
  compose.stderr!.setEncoding('utf8').on('data', (t: string) => { composeErr = (composeErr + t).slice(-2000); });
  const code = await new Promise<number | null>((resolve) => compose.once('exit', resolve));
  if (code !== 0) throw new Error(`mesh-compose failed (exit ${code}):\n${composeErr}`);

  const port = await freePort();
  // cwd is the output folder, so the gateway finds no config file of ours to load as its own.
  const child = startNode('mesh', [join(pkgDir('@graphql-hive/gateway'), 'dist/bin.js'), 'supergraph', supergraph,
    '--host', '127.0.0.1', '--port', String(port)], env, OUT_DIR);
  await waitUntilUp(`http://127.0.0.1:${port}/readiness`, child);
  return { name: 'mesh', url: `http://127.0.0.1:${port}/graphql`, pid: child.pid!, stop: () => stopGroup(child) };
}
