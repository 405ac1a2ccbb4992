/**
 * Price constraints stated in a search query ("running shoes under $50") become a price
 * range for the business rules, and the phrase leaves the text the encoder sees: the
 * encoder matches meaning, and "under $50" means nothing about shoes.
 *
 * A wrong price filter hides products; a missed one only leaves ranking as it was. So a
 * number counts as a price only with a currency mark ("$50", "50 dollars") or, bare, with a
 * comparator ("under 50") and nothing after it but the end, punctuation or a joining word:
 * "under 5 lbs", "over 60 inch tv", "up to 4 people" and "24 inch monitor" keep their numbers.
 */
import type { PriceRange } from './business-rules.ts';

export interface PriceIntent {
  /** null when the query states no price. Reversed bounds are read as the range they span. */
  range: PriceRange | null;
  /** The query without its price phrases, whitespace collapsed. */
  query: string;
}

export interface PriceIntentOptions {
  /**
   * The cap that "cheap", "budget", "affordable"… stand for: budgetCap() of the prices the
   * shopper is choosing among — the intent category's products when the intent head is
   * confident, else the catalogue's (a "cheap laptop" is not a catalogue-cheap item).
   * Without it those words are left in the query and set no range.
   */
  budgetMax?: number;
  /**
   * The intent head's `deal` probability for this query. When given, the cheap words count
   * only above 0.5, so "budget planner" (a product) keeps its word where "budget
   * headphones" (a deal) does not. The probability alone never sets a range: a model's
   * guess should not hide most of the catalogue.
   */
  dealProbability?: number;
}

const SYMBOL = '[$€£]';
const CURRENCY_WORD = String.raw`(?:dollars?|bucks|usd|euros?|eur)(?!\w)`;
// "1,299.99", "50", "49.5" — but not the "3" of "3d", "3.5mm", "50%" or 50" (inches).
const NUMBER = String.raw`(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?![.,]?[\w%"'″])`;
// Groups: currency before, number, currency after.
const AMOUNT = String.raw`(${SYMBOL})?\s*${NUMBER}(?:\s*(${SYMBOL}|${CURRENCY_WORD}))?`;
// Swallowed with the phrase so "shoes for under $50" leaves "shoes", not "shoes for".
const LEAD = String.raw`(?<!\w)(?:(?:for|priced|costing|price)\s+)?`;
const AT_MOST = String.raw`under|below|less than|cheaper than|lower than|at most|up to|no more than|not more than|max(?:imum)?|within|<=?|≤`;
const AT_LEAST = String.raw`over|above|more than|greater than|at least|min(?:imum)?|starting (?:at|from)|>=?|≥`;

// "$20-$40", "20 to 40 dollars", "between 20 and 40".
const RANGE = new RegExp(String.raw`${LEAD}(?:(between|from)\s+)?${AMOUNT}\s*(-|–|—|to|and|&)\s*${AMOUNT}`, 'gi');
// "under $50", "more than 40".
const LEADING_BOUND = new RegExp(String.raw`${LEAD}(?:(${AT_MOST})|(${AT_LEAST}))\s*${AMOUNT}`, 'gi');
// "$50 or less", "$20 and up", "$20+".
const TRAILING_BOUND = new RegExp(
  String.raw`${LEAD}${AMOUNT}\s*(?:(or less|or under|or below|or lower|and under|and below)|(or more|or over|or above|or higher|and up|and over|and above|\+))(?!\w)`,
  'gi',
);
const CHEAP = /(?<!\w)(?:cheap(?:est)?|budget|affordable|inexpensive|low[- ]cost|low[- ]priced|bargain)(?!\w)/gi;
// What may follow a bare number for it to still read as a price.
const PRICE_END = /^\s*(?:$|[,.;:!?)]|(?:for|and|or|with|that|which|please)(?!\w))/i;
// What a removed phrase leaves dangling: "shoes over $20 and" → "shoes". "for"/"with" only
// at the end: leading, they start a phrase that still means something ("for dad").
const DANGLING = /^(?:(?:(?:and|or)(?!\w)|[,;:-])\s*)+|(?:\s*(?:(?<!\w)(?:and|or|with|for)|[,;:-]))+$/gi;

type Groups = (string | undefined)[];

const amount = (digits: string | undefined) => Number(digits!.replace(/,/g, ''));
const marked = (...marks: (string | undefined)[]) => marks.some((mark) => mark !== undefined);

/** Replaces each accepted match with a space and collects its range; rejected matches stay. */
function extract(text: string, pattern: RegExp, found: PriceRange[], read: (groups: Groups, rest: string) => PriceRange | null): string {
  return text.replace(pattern, (match: string, ...args: unknown[]) => {
    // Without named groups the replacer's last two arguments are the offset and the string.
    const offset = args[args.length - 2] as number;
    const range = read(args.slice(0, -2) as Groups, text.slice(offset + match.length));
    if (range === null) return match;
    found.push(range);
    return ' ';
  });
}

export function parsePriceIntent(query: string, options: PriceIntentOptions = {}): PriceIntent {
  const found: PriceRange[] = [];
  let text = extract(query, RANGE, found, ([word, pre1, low, post1, separator, pre2, high, post2], rest) => {
    const between = word?.toLowerCase() === 'between';
    // "10 and 20" is only a range after "between"; unmarked, only "between" makes it a price at all.
    if (/and|&/i.test(separator!) && !between) return null;
    if (!marked(pre1, post1, pre2, post2) && !(between && PRICE_END.test(rest))) return null;
    return { min: amount(low), max: amount(high) };
  });
  text = extract(text, LEADING_BOUND, found, ([atMost, , pre, digits, post], rest) => {
    if (!marked(pre, post) && !PRICE_END.test(rest)) return null;
    return atMost ? { max: amount(digits) } : { min: amount(digits) };
  });
  text = extract(text, TRAILING_BOUND, found, ([pre, digits, post, atMost], rest) => {
    if (!marked(pre, post) && !PRICE_END.test(rest)) return null;
    return atMost ? { max: amount(digits) } : { min: amount(digits) };
  });

  const { budgetMax, dealProbability } = options;
  if (budgetMax !== undefined && (dealProbability === undefined || dealProbability > 0.5)) {
    const before = text;
    text = text.replace(CHEAP, ' ');
    // A stated number is more specific than "cheap", so the cap only fills in for one.
    if (text !== before && found.length === 0) found.push({ max: budgetMax });
  }

  const collapsed = text.replace(/\s+/g, ' ').replace(/ ([,;:.!?])/g, '$1').trim();
  // Nothing found means nothing removed: the shopper's own "rock and" is left alone.
  return { range: combine(found), query: found.length === 0 ? collapsed : collapsed.replace(DANGLING, '').trim() };
}

/** The intersection of every bound found. */
function combine(found: readonly PriceRange[]): PriceRange | null {
  if (found.length === 0) return null;
  const mins = found.flatMap((r) => (r.min === undefined ? [] : [r.min]));
  const maxes = found.flatMap((r) => (r.max === undefined ? [] : [r.max]));
  const range: PriceRange = {};
  if (mins.length > 0) range.min = Math.max(...mins);
  if (maxes.length > 0) range.max = Math.min(...maxes);
  if (range.min !== undefined && range.max !== undefined && range.min > range.max) [range.min, range.max] = [range.max, range.min];
  return range;
}

/**
 * The lower-quartile price (nearest rank) of `prices`: what "cheap" means among them.
 * A quartile rather than the minimum so "cheap" still leaves a quarter of the choice.
 */
export function budgetCap(prices: Iterable<number>): number {
  const sorted = [...prices].sort((a, b) => a - b);
  if (sorted.length === 0) throw new Error('price intent: budgetCap needs at least one price');
  return sorted[Math.ceil(sorted.length / 4) - 1]!;
}
