// The encoding helpers over @oslojs/encoding: round trips, and `null` (never a throw) for anything malformed.
import { describe, expect, it } from 'vitest';
import { base64ToBytes, base64UrlToBytes, bytesToBase64, bytesToBase64Url, bytesToHex } from '../../src/core/encoding';

const BYTES = Uint8Array.from([0xfb, 0xff, 0x00, 0x10, 0x83]);

describe('base64url, base64 and hex helpers', () => {
  it('write unpadded base64url, unpadded base64 and lower-case hex, and read the first two back', () => {
    expect(bytesToBase64Url(BYTES)).toBe('-_8AEIM');
    expect(bytesToBase64(BYTES)).toBe('+/8AEIM');
    expect(bytesToHex(BYTES)).toBe('fbff001083');
    expect(base64UrlToBytes('-_8AEIM')).toEqual(BYTES);
    expect(base64ToBytes('+/8AEIM')).toEqual(BYTES);
    expect(base64UrlToBytes('')).toEqual(new Uint8Array());
  });

  it('answer null for padding, letters of the other alphabet, impossible lengths and set bits past the last byte', () => {
    for (const malformed of ['-_8AEIM=', '+/8AEIM', '-_8AE', 'AB CD', '-_8AEIN']) expect(base64UrlToBytes(malformed)).toBeNull();
    for (const malformed of ['-_8AEIM', '+/8AE', '+/8AEIN']) expect(base64ToBytes(malformed)).toBeNull();
  });
});
