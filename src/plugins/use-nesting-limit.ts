// Refuses a document nested deeper than the parser can take, before it is parsed. graphql-js parses
// recursively: a document ~2,000 brackets deep overflows the stack (a RangeError, HTTP 500) before
// graphql-armor's maxDepth, a validation rule, ever sees it. Counting brackets is one cheap pass.

import { createGraphQLError } from 'graphql-yoga';
import type { Plugin } from 'graphql-yoga';

/** The deepest `{`/`(`/`[` nesting in a GraphQL document, strings and comments skipped. */
export function maxNesting(source: string): number {
  let depth = 0;
  let max = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '#') {
      while (i < source.length && source[i] !== '\n' && source[i] !== '\r') i++;
    } else if (c === '"') {
      if (source.startsWith('"""', i)) {
        const end = source.indexOf('"""', i + 3);
        // Inside a block string only \""" escapes the delimiter.
        let j = end;
        while (j > 0 && source[j - 1] === '\\') j = source.indexOf('"""', j + 3);
        i = j < 0 ? source.length : j + 2;
      } else {
        i++;
        while (i < source.length && source[i] !== '"' && source[i] !== '\n') i += source[i] === '\\' ? 2 : 1;
      }
    } else if (c === '{' || c === '(' || c === '[') {
      if (++depth > max) max = depth;
    } else if (c === '}' || c === ')' || c === ']') {
      depth = Math.max(0, depth - 1);
    }
  }
  return max;
}

export function useNestingLimit(limit: number): Plugin {
  return {
    onParams({ params, setResult }) {
      if (typeof params.query !== 'string') return;
      const found = maxNesting(params.query);
      if (found <= limit) return;
      setResult({
        errors: [createGraphQLError(`Syntax Error: the document is nested ${found} brackets deep; at most ${limit} are accepted.`, {
          extensions: { code: 'QUERY_TOO_NESTED', http: { status: 400 } },
        })],
      });
    },
  };
}
