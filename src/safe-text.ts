// The one rule for vendor text shown to a client (messages, backendErrors, errors[]): applied once, where
// text leaves for a client (Services.clientText, see clientTextFor in config.ts), never in a vendor's
// mapping, so every vendor gets the same treatment and logs keep the whole text. What it removes: where
// taskhub reaches the vendor (URLs, hosts, IP addresses, ports) and as whom (the configured accounts, in
// `hidden`), token-like values, stack frames and control characters; it keeps the first line, bounded.

const URL_LIKE = /\b[a-z][a-z0-9+.-]*:\/\/\S+/gi;
/** IPv4 and bracketed IPv6, with an optional port. */
const IP = /\[[0-9a-f:.]*:[0-9a-f:.]*\](?::\d+)?|\b(?:\d{1,3}\.){3}\d{1,3}(?::\d+)?\b/gi;
/**
 * A host name with a port (`bpm.example.com:9443`, `localhost:9000`), localhost, or a dotted name ending in an
 * alphabetic label (`sod2.example.com`); ids such as tkiids (hex groups) are left alone.
 */
const HOST = /\b(?:localhost|[a-z0-9-]+(?:\.[a-z0-9-]+)+)(?::\d{1,5})\b|\blocalhost\b|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}\b/gi;
/** Ticket-style tokens (`8A:Cust12345.Token…`). */
const TOKEN = /\b\d[A-Z]:[A-Za-z0-9._~+/=-]{6,}/g;
/** A .NET/Java stack frame on the same line (`   at Namespace.Type.Method(`). */
const STACK_FRAME = /\s+at\s+\S+\(/;
const CONTROL = /[\u0000-\u001f\u007f-\u009f]+/g;

/**
 * Vendor text made safe to show: the first non-empty line, without stack frames, URLs, hosts, addresses,
 * ports, tokens or any of `hidden` (the configured service accounts and client ids, matched in any case),
 * at most `max` characters.
 */
export function safeText(raw: string, hidden: readonly string[] = [], max = 300): string {
  const line = raw.split(/\r?\n/).map((l) => l.trim()).find((l) => l !== '') ?? '';
  let text = line.split(STACK_FRAME)[0]!.replace(CONTROL, ' ');
  for (const name of [...hidden].filter((h) => h.length >= 3).sort((a, b) => b.length - a.length)) {
    text = text.replace(new RegExp(name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gi'), '[account]');
  }
  text = text.replace(URL_LIKE, '[url]').replace(TOKEN, '[token]').replace(IP, '[host]').replace(HOST, '[host]')
    .replace(/\s+/g, ' ').trim();
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
