// Text the CLI writes (results records, stderr) comes partly from the facade or a proxy in front of it, which
// may echo the request back: the API key, and the password of a --url with userinfo, are taken out of it.

/** `text` without `secrets` (each at least 4 characters), in any of its occurrences. */
export function withoutSecrets(text: string, secrets: ReadonlyArray<string | undefined>): string {
  let out = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 4) out = out.split(secret).join('[redacted]');
  }
  return out;
}

/** A URL as it may be shown: without its userinfo. */
export function shownUrl(url: string): string {
  // Up to the last '@': a password may hold '@' or '/' (which a URL parser would not even read as userinfo).
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/).*@/i, '$1[credentials]@');
}
