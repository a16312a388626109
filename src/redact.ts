// One redactor for everything that leaves the process as text (log lines, error messages in responses):
// configured secret values, their Basic-auth and base64 forms, and URL userinfo are replaced.
// Mapping already builds safe messages; this is the net under it, because a vendor can echo a header.

export type Redact = (text: string) => string;

export function createRedactor(secrets: readonly string[], basicPairs: ReadonlyArray<[string, string]> = []): Redact {
  const needles = new Set<string>();
  for (const s of secrets) if (s.length >= 4) needles.add(s);
  for (const [user, password] of basicPairs) {
    if (password.length >= 4) needles.add(Buffer.from(`${user}:${password}`, 'utf8').toString('base64'));
  }
  for (const s of [...needles]) needles.add(Buffer.from(s, 'utf8').toString('base64'));
  // Longest first, so a secret containing another is replaced whole.
  const ordered = [...needles].sort((a, b) => b.length - a.length);
  return (text: string) => {
    let out = text.replace(/\/\/[^/@\s:]+:[^/@\s]+@/g, '//[redacted]@');
    for (const s of ordered) if (out.includes(s)) out = out.split(s).join('[redacted]');
    return out;
  };
}
