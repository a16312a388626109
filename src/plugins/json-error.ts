// The body of every error taskhub answers before GraphQL runs: the GraphQL-over-HTTP error shape, so a
// client reads `errors[0].message` whatever went wrong.

type FetchApi = { Response: typeof Response };

export function jsonErrorResponse(
  fetchAPI: FetchApi, status: number, message: string, code: string, headers: Record<string, string> = {},
): Response {
  return new fetchAPI.Response(JSON.stringify({ errors: [{ message, extensions: { code } }] }), {
    status, headers: { ...headers, 'content-type': 'application/json; charset=utf-8' },
  });
}
