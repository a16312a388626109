// The one rule for vendor text shown to a client (messages, backendErrors, errors[]): applied once, where
// text leaves for a client (Services.clientText, see clientTextFor in config.ts), never in a vendor's
// mapping, so every vendor gets the same treatment and logs keep the whole text. What it removes: where
// taskhub reaches the vendor (URLs, hosts, IP addresses, ports) and as whom (the configured accounts, in
// `hidden`), token-like values, stack frames and control characters; it keeps the first line, bounded.
// The host rules are patterns, not a parser: they err towards hiding a word that looks like a machine.

const URL_LIKE = /\b[a-z][a-z0-9+.-]*:\/\/\S+/gi;
/** IPv4 and bracketed IPv6, with an optional port. */
const IP = /\[[0-9a-f:.]*:[0-9a-f:.]*\](?::\d+)?|\b(?:\d{1,3}\.){3}\d{1,3}(?::\d+)?\b/gi;
/**
 * Bare IPv6 (`fe80::1`, `2001:db8::10`, eight full groups): a `::` or eight groups, so times (`10:45:30`),
 * tkiids (`_TKI:…`) and `Type::Member` names are left alone.
 */
const BARE_IPV6 = /(?<![\w:.])(?:[0-9a-f]{0,4}:)*:(?::|[0-9a-f]{1,4})(?::?[0-9a-f]{1,4})*(?![\w:])|(?<![\w:.])(?:[0-9a-f]{1,4}:){7}[0-9a-f]{1,4}(?![\w:])/gi;
/**
 * A host name with a port (`bpm.example.com:9443`, `localhost:9000`), localhost, or a dotted name ending in an
 * alphabetic label (`sod2.example.com`); ids such as tkiids (hex groups) are left alone.
 */
const HOST = /\b(?:localhost|[a-z0-9-]+(?:\.[a-z0-9-]+)+)(?::\d{1,5})\b|\blocalhost\b|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}\b/gi;
/**
 * A one-label machine name with a port, as intranet and Windows hosts are named: one with a digit or a hyphen
 * (`bpmgw01:9443`, `app-02:5252`), or any after on/at/via/from/to (`via bpmgateway:9443`). Not an action's
 * `Sleep:3600` or `item:12345`.
 */
const LABEL_WITH_PORT = /\b(?=[a-z]*[\d-])[a-z][a-z0-9-]*:\d{2,5}\b|(?<=\b(?:on|at|via|from|to)\s+)[a-z][a-z0-9-]*:\d{2,5}\b/gi;
/**
 * A machine named after "host", "server" or "machine" (`host K2PROD01`): a name with a digit in it, so
 * "server error" or "host is unreachable" stay as they are.
 */
const NAMED_MACHINE = /\b(host|server|machine)(\s+)(?=[a-z-]*\d)[a-z][a-z0-9-]*\b/gi;
/** "port 8443", "port: 8443". */
const PORT_WORD = /\b(port)(\s*[:=]?\s*)\d{2,5}\b/gi;
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
  text = text.replace(URL_LIKE, '[url]').replace(TOKEN, '[token]').replace(IP, '[host]').replace(BARE_IPV6, '[host]')
    .replace(HOST, '[host]').replace(LABEL_WITH_PORT, '[host]').replace(NAMED_MACHINE, '$1$2[host]')
    .replace(PORT_WORD, '$1$2[port]')
    .replace(/\s+/g, ' ').trim();
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
