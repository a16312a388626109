// The one rule for vendor text shown to a client (messages, backendErrors, errors[]): applied once, where
// text leaves for a client (Services.clientText, see clientTextFor in config.ts), never in a vendor's
// mapping, so every vendor gets the same treatment and logs keep the whole text. What it removes: where
// taskhub reaches the vendor (URLs, hosts, IP addresses, ports) and as whom (the configured accounts, in
// `hidden`), token-like values, stack frames and control characters; it keeps the first line, bounded.
// The host rules are patterns, not a parser: they err towards hiding a word that looks like a machine.

import { isIPv6 } from 'node:net';

const URL_LIKE = /\b[a-z][a-z0-9+.-]*:\/\/\S+/gi;
/** IPv4 and bracketed IPv6, with an optional port. */
const IP = /\[[0-9a-f:.]*:[0-9a-f:.]*\](?::\d+)?|\b(?:\d{1,3}\.){3}\d{1,3}(?::\d+)?\b/gi;
/**
 * Bare IPv6 candidates (`fe80::1`, `2001:db8::10`): a bounded run of hex digits and colons, standing alone,
 * which isIPv6 then judges. A pattern that spells out the groups itself backtracks exponentially on a long
 * hex run after `::` (a GUID echoed back): seconds of a blocked event loop for 60 characters.
 */
const IPV6_CANDIDATE = /(?<![\w:.])[0-9a-f:]{2,45}(?![\w:])/gi;
/** A candidate that is an IPv6 address with a `::` or all eight groups: times (`10:45:30`) are not. */
const hideIpv6 = (m: string): string => (isIPv6(m) && (m.includes('::') || m.split(':').length === 8) ? '[host]' : m);
/** Vendor text is cut to this before any pattern runs: what follows never reaches a client anyway. */
const SCANNED = 2000;
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
 * A machine named after "host", "hostname", "server" or "machine" (`host K2PROD01`, `Host: APP02`,
 * `server=APP02`): a name with a digit in it, so "server error" or "host is unreachable" stay as they are.
 */
const NAMED_MACHINE = /\b(host(?:name)?|server|machine)(\s*[:=]?\s*)(?=[a-z-]*\d)[a-z][a-z0-9-]*\b/gi;
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
  const line = (raw.split(/\r?\n/).map((l) => l.trim()).find((l) => l !== '') ?? '').slice(0, SCANNED);
  let text = line.split(STACK_FRAME)[0]!.replace(CONTROL, ' ');
  for (const name of [...hidden].filter((h) => h.length >= 3).sort((a, b) => b.length - a.length)) {
    text = text.replace(new RegExp(name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gi'), '[account]');
  }
  text = text.replace(URL_LIKE, '[url]').replace(TOKEN, '[token]').replace(IP, '[host]').replace(IPV6_CANDIDATE, hideIpv6)
    .replace(HOST, '[host]').replace(LABEL_WITH_PORT, '[host]').replace(NAMED_MACHINE, '$1$2[host]')
    .replace(PORT_WORD, '$1$2[port]')
    .replace(/\s+/g, ' ').trim();
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
