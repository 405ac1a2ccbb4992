import { describe, expect, it } from 'vitest';
import type { PriceRange } from '../../src/core/business-rules.ts';
import { budgetCap, parsePriceIntent } from '../../src/core/price-intent.ts';

describe('parsePriceIntent', () => {
  it.each<[string, PriceRange, string]>([
    ['running shoes under $50', { max: 50 }, 'running shoes'],
    ['mugs below 30', { max: 30 }, 'mugs'],
    ['tea less than 20 dollars', { max: 20 }, 'tea'],
    ['kettle no more than 45 bucks', { max: 45 }, 'kettle'],
    ['kettle up to $45', { max: 45 }, 'kettle'],
    ['kettle max 45', { max: 45 }, 'kettle'],
    ['kettle <30', { max: 30 }, 'kettle'],
    ['tea under €15', { max: 15 }, 'tea'],
    ['lamp $50 or less', { max: 50 }, 'lamp'],
    ['tv over $100', { min: 100 }, 'tv'],
    ['knives more than 40', { min: 40 }, 'knives'],
    ['knives at least 40 usd', { min: 40 }, 'knives'],
    ['candles $20+', { min: 20 }, 'candles'],
    ['candles $20 and up', { min: 20 }, 'candles'],
    ['$20-$40', { min: 20, max: 40 }, ''],
    ['gift $20 - 40', { min: 20, max: 40 }, 'gift'],
    ['throw blanket 20 to 40 dollars', { min: 20, max: 40 }, 'throw blanket'],
    ['throw blanket between 20 and 40', { min: 20, max: 40 }, 'throw blanket'],
    ['between $20 and $40 gift for dad', { min: 20, max: 40 }, 'gift for dad'],
    ['between 40 and 20', { min: 20, max: 40 }, ''],
    ['shoes over $20 and under $50', { min: 20, max: 50 }, 'shoes'],
    ['gift for a chemistry teacher under $30', { max: 30 }, 'gift for a chemistry teacher'],
    ['shoes for under $50', { max: 50 }, 'shoes'],
    ['under 50 for dad', { max: 50 }, 'for dad'],
    ['skillet under 50, cast iron', { max: 50 }, 'skillet, cast iron'],
    ['laptop under $1,299.99', { max: 1299.99 }, 'laptop'],
    ['3.5mm cable under 20', { max: 20 }, '3.5mm cable'],
    ['over ear headphones under 100', { max: 100 }, 'over ear headphones'],
    ['under armour shoes under $50', { max: 50 }, 'under armour shoes'],
    ['UNDER $50 Running Shoes', { max: 50 }, 'Running Shoes'],
  ])('%j → %j, encoder sees %j', (query, range, rest) => {
    expect(parsePriceIntent(query)).toEqual({ range, query: rest });
  });

  it.each([
    'under armour',
    '3d printer',
    '24 inch monitor',
    'under 5 lbs dumbbell',
    'over 60 inch tv',
    'up to 4 people tent',
    'more than 4 burners',
    'within 2 days',
    '50% off',
    'iphone 12-13 case',
    '2-4 person tent',
    'ages 8 to 12',
    '10 and 20 piece set',
    'over the door hooks',
    'rock and',
  ])('%j states no price and is left alone', (query) => {
    expect(parsePriceIntent(query)).toEqual({ range: null, query });
  });

  it('reads cheap words as the budget cap, only when one is given and the head does not say otherwise', () => {
    expect(parsePriceIntent('cheap yoga mat', { budgetMax: 15 })).toEqual({ range: { max: 15 }, query: 'yoga mat' });
    expect(parsePriceIntent('affordable low-cost blender', { budgetMax: 15, dealProbability: 0.9 })).toEqual({ range: { max: 15 }, query: 'blender' });
    expect(parsePriceIntent('budget planner', { budgetMax: 15, dealProbability: 0.2 })).toEqual({ range: null, query: 'budget planner' });
    expect(parsePriceIntent('cheap yoga mat')).toEqual({ range: null, query: 'cheap yoga mat' });
    // A stated number wins over the vague word.
    expect(parsePriceIntent('cheap yoga mat under $40', { budgetMax: 15 })).toEqual({ range: { max: 40 }, query: 'yoga mat' });
  });
});

describe('budgetCap', () => {
  it('is the lower-quartile price by nearest rank', () => {
    expect(budgetCap([40, 10, 30, 20])).toBe(10);
    expect(budgetCap([50, 10, 30, 20, 40])).toBe(20);
    expect(budgetCap([7])).toBe(7);
    expect(() => budgetCap([])).toThrow(/at least one price/);
  });
});
