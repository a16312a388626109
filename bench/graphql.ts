// One GraphQL POST to a taskhub under measurement, for the bench phases that ask it questions one at a
// time (memory, jobs); the load phases drive it through their own connection pools.

export interface GraphqlReply { data?: any; errors?: unknown[] }

export async function postGraphql(url: string, query: string, variables?: unknown): Promise<GraphqlReply> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify({ query, variables }) });
  return (await res.json()) as GraphqlReply;
}

/** The reply's data; a reply with errors ends the phase, naming the operation. */
export async function graphqlData(url: string, query: string, variables?: unknown): Promise<any> {
  const reply = await postGraphql(url, query, variables);
  if (reply.errors) throw new Error(`${query.slice(0, 40)}… failed: ${JSON.stringify(reply.errors).slice(0, 300)}`);
  return reply.data;
}
