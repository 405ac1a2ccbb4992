import { describe, expect, it } from 'vitest';
import type { AdvertiseKeys, MaskedInput, Roster, ShareInbox, ShareKeys, UnmaskRequest, UnmaskResponse } from '../../src/core/secagg-protocol.ts';
import { decodeClientMessage, decodeServerReply, decodeWords, encodeClientMessage, encodeServerReply, encodeWords } from '../../src/core/secagg-wire.ts';

const bytes = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 37 + seed) & 255);
const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

describe('secagg wire format', () => {
  it('round-trips every client message exactly', () => {
    const advertise: AdvertiseKeys = { roundId: 'r', index: 3, keys: { channel: bytes(65, 1), masking: bytes(65, 2) } };
    const shareKeys: ShareKeys = { roundId: 'r', index: 3, shares: [{ from: 3, to: 4, sealed: bytes(160, 3) }, { from: 3, to: 9, sealed: bytes(160, 4) }] };
    // 100,000 words: larger than one String.fromCharCode batch, with the top bit set in some.
    const masked: MaskedInput = { roundId: 'r', index: 3, masked: Uint32Array.from({ length: 100_000 }, (_, i) => (i * 2654435761) >>> 0) };
    const unmask: UnmaskResponse = { roundId: 'r', index: 3, selfMaskShares: [{ of: 4, y: bytes(66, 5) }], maskingKeyShares: [{ of: 9, y: bytes(66, 6) }] };
    expect(decodeClientMessage('advertise', encodeClientMessage('advertise', advertise))).toEqual(advertise);
    expect(decodeClientMessage('share-keys', encodeClientMessage('share-keys', shareKeys))).toEqual(shareKeys);
    expect(decodeClientMessage('masked-input', encodeClientMessage('masked-input', masked))).toEqual(masked);
    expect(decodeClientMessage('unmask', encodeClientMessage('unmask', unmask))).toEqual(unmask);
  });

  it('round-trips every server reply exactly', () => {
    const roster: Roster = { roundId: 'r', participants: [1, 2, 3, 4], degree: 2, threshold: 2, neighbours: [{ index: 2, keys: { channel: bytes(65, 7), masking: bytes(65, 8) } }] };
    const inbox: ShareInbox = { roundId: 'r', shares: [{ from: 2, to: 1, sealed: bytes(160, 9) }] };
    const request: UnmaskRequest = { roundId: 'r', survivors: [2], dropped: [4] };
    expect(decodeServerReply('roster', encodeServerReply('roster', roster))).toEqual(roster);
    expect(decodeServerReply('inbox', encodeServerReply('inbox', inbox))).toEqual(inbox);
    expect(decodeServerReply('unmask-request', encodeServerReply('unmask-request', request))).toEqual(request);
    expect(() => decodeServerReply('unmask-request', json({ roundId: 'r', survivors: [0], dropped: [] }))).toThrow(/survivors\[0\] must be a positive integer/);
    expect(() => decodeServerReply('roster', json({ roundId: 'r', participants: [1], degree: 2, threshold: 2, neighbours: [{ index: 2 }] }))).toThrow(/neighbours\[0\].keys must be an object/);
  });

  it('writes ring words little-endian, whatever the view', () => {
    const words = Uint32Array.of(1, 0xffffffff, 0x01020304);
    expect(encodeWords(words)).toBe(Buffer.from([1, 0, 0, 0, 255, 255, 255, 255, 4, 3, 2, 1]).toString('base64'));
    const offset = new Uint32Array(Uint32Array.of(9, 1, 0xffffffff, 0x01020304).buffer, 4, 3);
    expect(encodeWords(offset)).toBe(encodeWords(words));
    expect(Array.from(decodeWords(encodeWords(words), 'w'))).toEqual(Array.from(words));
  });

  it('names the field that is wrong', () => {
    const keys = { channel: 'AA==', masking: 'AA==' };
    expect(() => decodeClientMessage('advertise', json({ index: 1, keys }))).toThrow(/roundId must be a non-empty string/);
    expect(() => decodeClientMessage('advertise', json({ roundId: 'r', index: 0, keys }))).toThrow(/index must be a positive integer/);
    expect(() => decodeClientMessage('advertise', json({ roundId: 'r', index: 1.5, keys }))).toThrow(/index must be a positive integer/);
    expect(() => decodeClientMessage('advertise', json({ roundId: 'r', index: 1, keys: { channel: 'A*B', masking: 'AA==' } }))).toThrow(/keys.channel is not valid base64/);
    expect(() => decodeClientMessage('advertise', json({ roundId: 'r', index: 1 }))).toThrow(/keys must be an object/);
    expect(() => decodeClientMessage('share-keys', json({ roundId: 'r', index: 1, shares: [{ from: 1, to: 2, sealed: 7 }] }))).toThrow(/shares\[0\].sealed must be a base64 string/);
    expect(() => decodeClientMessage('masked-input', json({ roundId: 'r', index: 1, masked: 'AAAA' }))).toThrow(/masked must be whole 32-bit words/);
    expect(() => decodeClientMessage('unmask', json({ roundId: 'r', index: 1, selfMaskShares: {}, maskingKeyShares: [] }))).toThrow(/selfMaskShares must be a list/);
    expect(() => decodeClientMessage('unmask', json([1]))).toThrow(/the unmask message must be an object/);
    expect(() => decodeClientMessage('advertise', Uint8Array.of(0xff, 0xfe))).toThrow(/UTF-8 JSON/);
    expect(() => decodeClientMessage('gossip' as never, json({}))).toThrow(/unknown message kind "gossip"/);
  });
});
