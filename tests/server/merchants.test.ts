import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bearerToken, DEFAULT_LIMITS, MerchantDirectory, merchantForKey, parseMerchantKeys } from '../../src/server/merchants.ts';

const sha256 = (key: string) => createHash('sha256').update(key).digest('hex');
const acme = { keySha256: sha256('acme-key'), origins: ['https://shop.acme.example', 'http://localhost:5173'], limits: { upload: { perMinute: 10, burst: 2 } } };

describe('MerchantDirectory', () => {
  it('reads keys, origins, catalogues and limits, filling defaults', () => {
    const directory = MerchantDirectory.parse({ merchants: { acme, tea: { keySha256: sha256('tea-key'), catalogs: ['tea', 'tea-outlet'] } } });
    expect(directory.get('acme')).toEqual({ id: 'acme', keySha256: acme.keySha256, origins: acme.origins, catalogs: ['acme'], limits: { ...DEFAULT_LIMITS, upload: { perMinute: 10, burst: 2 } } });
    expect(directory.get('tea')?.catalogs).toEqual(['tea', 'tea-outlet']);
    expect([...directory.allOrigins]).toEqual(acme.origins);
    expect(directory.byKey('tea-key')?.id).toBe('tea');
    expect(directory.byKey('wrong')).toBeUndefined();
    expect(directory.byKey(undefined)).toBeUndefined();
    expect(directory.keyHashes()).toEqual(new Map([['acme', acme.keySha256], ['tea', sha256('tea-key')]]));
  });

  it('refuses a bad configuration, naming the field', () => {
    const bad = (merchant: object) => () => MerchantDirectory.parse({ merchants: { acme: { ...acme, ...merchant } } });
    expect(() => MerchantDirectory.parse({ acme })).toThrow('the merchants file must be a JSON object {"merchants"');
    expect(bad({ keySha256: 'abc' })).toThrow('merchants.acme.keySha256 must be 64 lowercase hex digits');
    expect(bad({ origins: ['https://shop.acme.example/'] })).toThrow('merchants.acme.origins[0] must be an origin like "https://shop.example"');
    expect(bad({ origins: ['shop.acme.example'] })).toThrow('merchants.acme.origins[0]');
    expect(bad({ origins: 'https://shop.acme.example' })).toThrow('merchants.acme.origins must be a list of origins');
    expect(bad({ catalogs: ['../etc'] })).toThrow('merchants.acme.catalogs must be a list of names');
    expect(bad({ limits: { checkin: { perMinute: 1, burst: 1 } } })).toThrow('merchants.acme.limits: unknown limit "checkin" (known: merchant, checkIn, upload)');
    expect(bad({ limits: { checkIn: { perMinute: -1, burst: 1 } } })).toThrow('merchants.acme.limits.checkIn.perMinute must be a positive number, got -1');
    expect(() => MerchantDirectory.parse({ merchants: { 'a b': acme } })).toThrow('merchants.a b: a merchant id may only use');
    expect(() => MerchantDirectory.parse({ merchants: { acme, other: { keySha256: acme.keySha256, catalogs: ['acme'] } } })).toThrow('catalogue "acme" is claimed by merchants "acme" and "other"');
  });

  it('reads PRIVET_MERCHANTS_FILE and PRIVET_MERCHANT_KEYS together, and names the variable in errors', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'privet-merchants-')), 'merchants.json');
    writeFileSync(file, JSON.stringify({ merchants: { acme } }));
    const directory = MerchantDirectory.fromEnvironment({ PRIVET_MERCHANTS_FILE: file, PRIVET_MERCHANT_KEYS: `legacy:${sha256('old')}` });
    expect(directory.get('acme')?.origins).toEqual(acme.origins);
    expect(directory.byKey('old')?.id).toBe('legacy');
    expect(directory.get('legacy')?.limits).toEqual(DEFAULT_LIMITS);
    expect(() => MerchantDirectory.fromEnvironment({ PRIVET_MERCHANTS_FILE: file, PRIVET_MERCHANT_KEYS: `acme:${sha256('x')}` })).toThrow(`PRIVET_MERCHANTS_FILE (${file}): merchant "acme" is configured twice`);
    writeFileSync(file, '{"merchants":');
    expect(() => MerchantDirectory.fromEnvironment({ PRIVET_MERCHANTS_FILE: file })).toThrow(`PRIVET_MERCHANTS_FILE (${file}): `);
    expect(MerchantDirectory.fromEnvironment({}).allOrigins.size).toBe(0);
  });
});

describe('keys', () => {
  it('parses PRIVET_MERCHANT_KEYS and refuses malformed entries', () => {
    expect(parseMerchantKeys(`a:${sha256('1')},b:${sha256('2')}`).map((m) => [m.id, m.keySha256])).toEqual([['a', sha256('1')], ['b', sha256('2')]]);
    expect(parseMerchantKeys('')).toEqual([]);
    expect(() => parseMerchantKeys('a:123')).toThrow('PRIVET_MERCHANT_KEYS: "a:123" is not merchant:<64 hex digits of SHA-256>');
  });

  it('finds the merchant of a key and reads bearer tokens', () => {
    const keys = new Map([['a', sha256('key-a')], ['b', sha256('key-b')]]);
    expect(merchantForKey(keys, 'key-b')).toBe('b');
    expect(merchantForKey(keys, 'key-c')).toBeUndefined();
    expect(bearerToken('Bearer abc')).toBe('abc');
    expect(bearerToken('Basic abc')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });
});
