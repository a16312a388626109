// Small helpers the vendor clients use to build requests.

/** Encodes a native id as one path segment: data, never path or query syntax. */
export const pathSegment = (id: string): string => encodeURIComponent(id);

export const basicAuth = (user: string, password: string): string =>
  'Basic ' + Buffer.from(`${user}:${password}`, 'utf8').toString('base64');
