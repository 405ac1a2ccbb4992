/**
 * "for kids", "for a dog", "gift for a chemistry teacher": who a product is for, stated in
 * a query, read as a tag the catalogue itself uses. The catalogue decides what counts (a
 * word becomes a constraint only when some product carries it as a tag), so a store
 * without a "kids" tag never has its search filtered by one.
 *
 * Unlike a price, the phrase stays in the text the encoder sees: "for kids" means
 * something about the products themselves.
 */

export interface AudienceIntent {
  /** The catalogue tag the query asks for, or null. */
  tag: string | null;
  /** The words that said so, as the shopper typed them ("for kids"), for a chip. */
  phrase: string | null;
}

// Everyday words for an audience → the tag a catalogue is likely to use.
const SYNONYMS: Readonly<Record<string, string>> = {
  child: 'kids', children: 'kids', kid: 'kids', toddler: 'kids', toddlers: 'kids', boys: 'kids', girls: 'kids', boy: 'kids', girl: 'kids',
  babies: 'baby', infant: 'baby', infants: 'baby', newborn: 'baby', newborns: 'baby',
  dogs: 'dog', puppy: 'dog', puppies: 'dog', cats: 'cat', kitten: 'cat', kittens: 'cat',
};
// "for", an optional determiner, then up to two words: "for a chemistry teacher". The
// second word is never another "for", so "bottle for school for kids" still reaches "for kids".
const FOR_PHRASE = /(?<!\w)for\s+(?:(?:a|an|my|the|your|our|his|her|their)\s+)?([a-z][a-z-]*)(?:\s+(?!for(?![\w-]))([a-z][a-z-]*))?/gi;

function tagFor(word: string, tags: ReadonlySet<string>): string | null {
  const lower = word.toLowerCase();
  const singular = lower.endsWith('s') ? lower.slice(0, -1) : lower;
  for (const candidate of [lower, SYNONYMS[lower], singular, SYNONYMS[singular]]) {
    if (candidate !== undefined && tags.has(candidate)) return candidate;
  }
  return null;
}

export function parseAudienceIntent(query: string, catalogueTags: ReadonlySet<string>): AudienceIntent {
  for (const match of query.matchAll(FOR_PHRASE)) {
    const [whole, first, second] = match;
    // "for a chemistry teacher": the head noun is the second word, when there is one.
    const noun = second === undefined ? null : tagFor(second, catalogueTags);
    if (noun) return { tag: noun, phrase: whole };
    const direct = tagFor(first!, catalogueTags);
    if (direct) return { tag: direct, phrase: whole.slice(0, whole.indexOf(first!) + first!.length) };
  }
  return { tag: null, phrase: null };
}
