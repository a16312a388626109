// R1 and R2 of issue 10, written once per target. R1: the first 100 tasks of each JSON vendor, three
// aliases. R2: 50 tasks by id (17 Zuora, 17 IBM BPM, 16 SuperOffice), one alias each. K2 takes no part:
// Mesh cannot serve an XML vendor, so all three targets read the same three JSON vendors.

export interface R2Ids { zuora: string[]; ibm: string[]; superoffice: string[] }

const TASKHUB_FIELDS = 'nativeId name status vendorStatus priority';

export const taskhubR1 = `query R1 {
  zuora: tasks(first: 100, filter: { backends: [ZUORA] }) { edges { node { ${TASKHUB_FIELDS} } } backendErrors { backend code message } }
  ibm: tasks(first: 100, filter: { backends: [IBM_BPM] }) { edges { node { ${TASKHUB_FIELDS} } } backendErrors { backend code message } }
  superoffice: tasks(first: 100, filter: { backends: [SUPEROFFICE] }) { edges { node { ${TASKHUB_FIELDS} } } backendErrors { backend code message } }
}`;

export const taskhubR2 = (ids: R2Ids) => `query R2 {
${[
    ...ids.zuora.map((id, n) => `  z${n}: task(backend: ZUORA, nativeId: ${JSON.stringify(id)}) { ${TASKHUB_FIELDS} }`),
    ...ids.ibm.map((id, n) => `  i${n}: task(backend: IBM_BPM, nativeId: ${JSON.stringify(id)}) { ${TASKHUB_FIELDS} }`),
    ...ids.superoffice.map((id, n) => `  s${n}: task(backend: SUPEROFFICE, nativeId: ${JSON.stringify(id)}) { ${TASKHUB_FIELDS} }`),
  ].join('\n')}
}`;

// Field names come from the operationIds in bench/peers/mesh/*.yaml.
export const meshR1 = `query R1 {
  zuora: zuoraTaskList(page: 1, page_length: 100) { data { id name status } }
  ibm: ibmTaskList(offset: 0, size: 100) { items { tkiid name state priority } }
  superoffice: soTaskList { Id Name State }
}`;

export const meshR2 = (ids: R2Ids) => `query R2 {
${[
    ...ids.zuora.map((id, n) => `  z${n}: zuoraTaskById(id: ${JSON.stringify(id)}) { id name status }`),
    ...ids.ibm.map((id, n) => `  i${n}: ibmTaskById(tkiid: ${JSON.stringify(id)}) { tkiid name state priority }`),
    ...ids.superoffice.map((id, n) => `  s${n}: soTaskById(id: ${Number(id)}) { Id Name State }`),
  ].join('\n')}
}`;

/** 17 + 17 + 16 ids spread over each vendor's first 100 tasks. */
export function pickR2Ids(first100: R2Ids): R2Ids {
  const spread = (list: string[], k: number) => Array.from({ length: k }, (_, n) => list[Math.floor((n * list.length) / k)]!);
  return { zuora: spread(first100.zuora, 17), ibm: spread(first100.ibm, 17), superoffice: spread(first100.superoffice, 16) };
}
