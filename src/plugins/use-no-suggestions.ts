// With introspection off, the schema is not for every caller to read, yet graphql-js appends suggestions to
// its errors: `Did you mean the enum value "READY"?`, `Did you mean "backends"?`, in document validation and in
// variable coercion alike. GraphQL Armor's blockFieldSuggestion covers field names in the document only, so
// every error message leaving the server loses its suggestion here.

import type { Plugin } from 'graphql-yoga';

/** graphql-js's didYouMean(): ` Did you mean "a"?`, ` Did you mean "a", "b", or "c"?`, ` Did you mean the enum value "READY"?` */
const SUGGESTION = /\s*Did you mean [^?]*\?/g;

export function useNoSuggestions(): Plugin {
  return {
    onResultProcess({ result }) {
      for (const one of Array.isArray(result) ? result : [result]) {
        const errors = (one as { errors?: unknown } | null)?.errors;
        if (!Array.isArray(errors)) continue;
        for (const error of errors as Array<{ message?: unknown }>) {
          if (typeof error.message === 'string') error.message = error.message.replace(SUGGESTION, '');
        }
      }
    },
  };
}
