// GraphQL Mesh v1 composition of the three JSON vendors for the peer benchmark (bench/peers/). Base URLs
// and credentials are `{env.X}` placeholders that Hive Gateway fills in per request, so the composed
// supergraph holds no secrets; bench/peers/gateway.ts sets them. K2 is not here: it speaks XML, and
// Mesh's OpenAPI/REST transport parses every reply as JSON (there is no plain-XML REST source).

import { defineConfig } from '@graphql-mesh/compose-cli';
import { loadOpenAPISubgraph } from '@omnigraph/openapi';

const source = (name: string) => new URL(`./${name}.yaml`, import.meta.url).pathname;

export const composeConfig = defineConfig({
  subgraphs: [
    { sourceHandler: loadOpenAPISubgraph('Zuora', {
      source: source('zuora'), endpoint: '{env.ZUORA_BASE_URL}',
      operationHeaders: { authorization: 'Bearer {env.ZUORA_TOKEN}' },
    }) },
    { sourceHandler: loadOpenAPISubgraph('IbmBpm', {
      source: source('ibm-bpm'), endpoint: '{env.IBM_BPM_BASE_URL}',
      operationHeaders: { authorization: 'Basic {env.IBM_BPM_BASIC}' },
    }) },
    { sourceHandler: loadOpenAPISubgraph('SuperOffice', {
      source: source('superoffice'), endpoint: '{env.SUPEROFFICE_BASE_URL}',
      operationHeaders: { authorization: 'Bearer {env.SUPEROFFICE_TOKEN}' },
    }) },
  ],
});
