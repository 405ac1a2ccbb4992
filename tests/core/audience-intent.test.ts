import { describe, expect, it } from 'vitest';
import { parseAudienceIntent } from '../../src/core/audience-intent.ts';

const tags = new Set(['kids', 'baby', 'dog', 'cat', 'teacher', 'chemistry', 'cast-iron']);
const parse = (query: string, catalogueTags: ReadonlySet<string> = tags) => parseAudienceIntent(query, catalogueTags);

describe('parseAudienceIntent', () => {
  it('reads "for kids" and the everyday words for children as the kids tag', () => {
    expect(parse('lunch box for kids')).toEqual({ tag: 'kids', phrase: 'for kids' });
    expect(parse('books for children')).toEqual({ tag: 'kids', phrase: 'for children' });
    expect(parse('cup for a toddler')).toEqual({ tag: 'kids', phrase: 'for a toddler' });
    expect(parse('gift for a child')).toEqual({ tag: 'kids', phrase: 'for a child' });
    expect(parse('blanket for newborns')).toEqual({ tag: 'baby', phrase: 'for newborns' });
  });

  it('prefers the head noun when both words after "for" are catalogue tags', () => {
    expect(parse('gift for a chemistry teacher')).toEqual({ tag: 'teacher', phrase: 'for a chemistry teacher' });
    // Only the first word is a tag: it is the answer, and the phrase stops after it.
    expect(parse('gift for chemistry lovers')).toEqual({ tag: 'chemistry', phrase: 'for chemistry' });
  });

  it('falls back to the first word when the second is no tag', () => {
    expect(parse('mug for dog lovers')).toEqual({ tag: 'dog', phrase: 'for dog' });
  });

  it('reads a plural as its singular tag', () => {
    expect(parse('toys for cats')).toEqual({ tag: 'cat', phrase: 'for cats' });
    // Not in the synonym table: the trailing "s" goes.
    expect(parse('mugs for teachers')).toEqual({ tag: 'teacher', phrase: 'for teachers' });
  });

  it('returns the phrase as the shopper typed it', () => {
    expect(parse('Gift For A Chemistry Teacher')).toEqual({ tag: 'teacher', phrase: 'For A Chemistry Teacher' });
    expect(parse('TOYS FOR KIDS under 20')).toEqual({ tag: 'kids', phrase: 'FOR KIDS' });
  });

  it('finds "for kids" after an earlier "for" phrase without a tag', () => {
    expect(parse('water bottle for school for kids')).toEqual({ tag: 'kids', phrase: 'for kids' });
    expect(parse('mugs for coffee lovers for dogs')).toEqual({ tag: 'dog', phrase: 'for dogs' });
  });

  it('finds nothing without a "for" phrase or without a catalogue tag', () => {
    const none = { tag: null, phrase: null };
    expect(parse('kids lunch box')).toEqual(none);
    expect(parse('cast iron skillet')).toEqual(none);
    // "for" must be a word of its own.
    expect(parse('forest green blanket')).toEqual(none);
    expect(parse('forkids lunch box')).toEqual(none);
    expect(parse('Comfor kids chair')).toEqual(none);
    expect(parse('gift for grandpa')).toEqual(none);
    expect(parse('')).toEqual(none);
  });

  it('never makes a constraint of a tag the catalogue lacks', () => {
    expect(parse('lunch box for kids', new Set(['dog']))).toEqual({ tag: null, phrase: null });
    expect(parse('lunch box for kids', new Set())).toEqual({ tag: null, phrase: null });
    // The word itself wins where the catalogue uses it; a synonym only ever leads to "kids".
    expect(parse('books for children', new Set(['children', 'kids']))).toEqual({ tag: 'children', phrase: 'for children' });
    expect(parse('books for children', new Set(['child']))).toEqual({ tag: null, phrase: null });
    expect(parse('gift for a chemistry teacher', new Set(['chemistry']))).toEqual({ tag: 'chemistry', phrase: 'for a chemistry' });
  });
});
