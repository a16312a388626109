// The one reviewed XML policy (used by the K2 client and the K2 emulator). Parser and builder are created
// once per policy and reused.
//
// - Strings stay strings (`parseTagValue: false`, `parseAttributeValue: false`): serial numbers like
//   `00123_1` and codes like `-1` must not be turned into numbers.
// - Namespace prefixes are removed (`t:Task` → `Task`). K2's documents never reuse a local name across
//   namespaces, so nothing collides.
// - A DOCTYPE is refused before parsing: vendors never send one, and it is the door for entity-expansion
//   and external-entity attacks. The five predefined XML entities and numeric character references are
//   decoded (`htmlEntities` is what turns on `&#233;` in fast-xml-parser ≥ 5.7).
// - Repeated elements are declared as arrays by name, so one `<Task>` does not collapse into an object.

import { XMLBuilder, XMLParser } from 'fast-xml-parser';

export class XmlPolicyError extends Error {
  override readonly name = 'XmlPolicyError';
}

const DOCTYPE = /<!DOCTYPE/i;

export interface XmlCodec {
  /** Parses a document; throws XmlPolicyError for DOCTYPEs and malformed or hostile input. */
  parse(xml: string): Record<string, unknown>;
  build(doc: Record<string, unknown>): string;
}

/** `arrayElements`: local element names that are always lists (e.g. `Task`, `Action`, `Success`). */
export function createXmlCodec(arrayElements: readonly string[]): XmlCodec {
  const arrays = new Set(arrayElements);
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    removeNSPrefix: true,
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: false,
    ignoreDeclaration: true,
    ignorePiTags: true,
    htmlEntities: true,
    processEntities: { enabled: true, maxEntityCount: 0, maxTotalExpansions: 10_000, maxExpandedLength: 1_000_000 },
    maxNestedTags: 64,
    isArray: (name, _jpath, _leaf, isAttribute) => !isAttribute && arrays.has(name),
  });
  const builder = new XMLBuilder({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    suppressEmptyNode: true,
    // Escaping on: every value is text, never markup.
    processEntities: true,
    // Otherwise an attribute whose value is exactly "true" is written as a bare name, which is not XML.
    suppressBooleanAttributes: false,
  });
  return {
    parse(xml: string) {
      if (DOCTYPE.test(xml)) throw new XmlPolicyError('XML with a DOCTYPE is refused');
      try {
        return parser.parse(xml, true) as Record<string, unknown>;
      } catch (err) {
        throw new XmlPolicyError(`malformed XML: ${(err as Error).message.split('\n')[0]?.slice(0, 200)}`);
      }
    },
    build(doc) {
      // The builder writes CR, LF and TAB raw; a conforming parser turns CRLF into LF in text and all three
      // into spaces in attributes. As character references they survive byte-exact. The builder never
      // emits them itself (no pretty-printing), so every one in its output came from a value.
      return (builder.build(doc) as string).replace(/[\t\n\r]/g, (c) => `&#${c.charCodeAt(0)};`);
    },
  };
}

/** Text content of a parsed element that may carry attributes (`{ '#text': 'x', '@_a': … }`) or be a bare string. */
export function textOf(node: unknown): string | null {
  if (node === undefined || node === null) return null;
  if (typeof node === 'string') return node;
  if (typeof node === 'object' && '#text' in (node as object)) return String((node as { '#text': unknown })['#text']);
  if (typeof node === 'object') return '';
  return String(node);
}
