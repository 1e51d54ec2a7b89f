// Turns whatever a person types into a safe FTS5 query. Nothing the user types is passed through as
// FTS syntax: words become quoted terms, the last one a prefix ("dog"*), "quoted phrases" stay exact phrases, and
// operators (AND, OR, NOT, NEAR), stars, colons, parentheses and stray quotes are just text.
const WORD = /[\p{L}\p{N}]+/gu;
const MAX_TERMS = 16;

const quote = (text: string) => `"${text.replace(/"/g, '""')}"`;

/**
 * Whole indexed words that start with `prefix` (already folded like the index: lower case, no
 * diacritics), or null when there are too many to list. Lets a long prefix become an OR of words.
 */
export type PrefixExpander = (prefix: string) => readonly string[] | null;

/** Prefixes up to this long are served by the index's own prefix indexes (prefix = '2 3'). */
export const INDEXED_PREFIX_CHARS = 3;

/** Lower case without diacritics, as the unicode61 tokenizer (remove_diacritics 2) stores words. */
export function foldLikeIndex(word: string): string {
  return word.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().normalize('NFC');
}

/**
 * The MATCH expression for `input`, or null when it holds nothing searchable. With `expand`, a
 * trailing prefix longer than the indexed prefixes becomes an OR of the whole words it starts:
 * FTS5 must merge every matching doclist up front for a prefix term (and again on every rowid probe),
 * while an OR of plain terms is walked lazily, newest first, and stops at the page's LIMIT.
 */
export function buildFtsQuery(input: string, expand?: PrefixExpander): string | null {
  const terms: string[] = [];
  const text = input.normalize('NFC');
  // Split on double quotes: odd pieces were inside quotes (an unbalanced last quote still counts).
  const pieces = text.split('"');
  let lastBareWord = -1;
  let lastWord = '';
  pieces.forEach((piece, index) => {
    const words = piece.match(WORD) ?? [];
    if (words.length === 0) return;
    const quoted = index % 2 === 1 && index < pieces.length - 1;
    if (quoted) terms.push(quote(words.join(' ')));
    else
      for (const word of words) {
        terms.push(quote(word));
        lastBareWord = terms.length - 1;
        lastWord = word;
      }
  });
  if (terms.length === 0) return null;
  // Only the word being typed (the last bare word, unless a space follows it) matches as a prefix:
  // prefix terms make FTS5 merge every matching doclist, so whole words stay whole words.
  if (lastBareWord === terms.length - 1 && !/\s$/.test(text)) {
    const prefix = foldLikeIndex(lastWord);
    const words = expand && [...prefix].length > INDEXED_PREFIX_CHARS ? expand(prefix) : null;
    // No word found may mean the folding differs from the tokenizer's: keep the true prefix term.
    terms[lastBareWord] =
      words && words.length > 0 ? `(${words.map(quote).join(' OR ')})` : `${terms[lastBareWord]}*`;
  }
  // Prompt and task type; the negative prompt is indexed but matching it would surprise people.
  // Explicit AND: FTS5 only allows the implicit one between phrases, not before a parenthesis.
  return `{prompt type} : (${terms.slice(0, MAX_TERMS).join(' AND ')})`;
}

export const SNIPPET_OPEN = '\u0001';
export const SNIPPET_CLOSE = '\u0002';

/** Splits a snippet marked with SNIPPET_OPEN/CLOSE into parts, so the UI never renders markup. */
export function snippetParts(marked: string): Array<{ text: string; match: boolean }> {
  const parts: Array<{ text: string; match: boolean }> = [];
  let match = false;
  let current = '';
  for (const char of marked) {
    if (char === SNIPPET_OPEN || char === SNIPPET_CLOSE) {
      if (current) parts.push({ text: current, match });
      current = '';
      match = char === SNIPPET_OPEN;
    } else {
      current += char;
    }
  }
  if (current) parts.push({ text: current, match });
  return parts;
}
