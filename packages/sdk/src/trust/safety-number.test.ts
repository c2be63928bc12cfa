import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseFingerprint, safetyNumber, safetyPart, sdpFingerprint } from './safety-number.js';

const FP_A =
  'sha-256 4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:49:6B:19:E5:7C:AB:3C:52:49:AA:9C:15:0D:5F:93:BB:DD:54';
const FP_B =
  'sha-256 0F:1E:2D:3C:4B:5A:69:78:87:96:A5:B4:C3:D2:E1:F0:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF';
const ada = { userId: 'ada-id', fingerprint: FP_A };
const bob = { userId: 'bob-id', fingerprint: FP_B };

// The derivation as docs/security.md writes it, done again here with Node's own SHA-256.
function expectedPart(userId: string, fingerprint: string): string {
  const [algorithm, hex] = fingerprint.split(' ') as [string, string];
  const fp = Buffer.concat([
    Buffer.from(`${algorithm.toLowerCase()} `),
    Buffer.from(hex.replace(/:/g, ''), 'hex'),
  ]);
  let h = createHash('sha256')
    .update(
      Buffer.concat([
        Buffer.from('p2pchat-safety-number-v1'),
        Buffer.of(0),
        Buffer.from(userId),
        Buffer.of(0),
        fp,
      ]),
    )
    .digest();
  for (let i = 0; i < 1024; i++)
    h = createHash('sha256')
      .update(Buffer.concat([h, fp]))
      .digest();
  let digits = '';
  for (let i = 0; i < 6; i++) digits += String(h.readUIntBE(i * 5, 5) % 100_000).padStart(5, '0');
  return digits;
}

describe('safety numbers', () => {
  it('follow the documented derivation', async () => {
    expect(await safetyPart(ada)).toBe(expectedPart('ada-id', FP_A));
    const parts = [expectedPart('ada-id', FP_A), expectedPart('bob-id', FP_B)].sort().join('');
    const n = await safetyNumber(ada, bob);
    expect(n.digits.replace(/ /g, '')).toBe(parts);
    const h = createHash('sha256').update(parts).digest();
    const short = [0, 1, 2]
      .map((i) => String(h.readUInt16BE(i * 2) % 10_000).padStart(4, '0'))
      .join(' ');
    expect(n.short).toBe(short);
  });

  it('are the same whichever side computes them, and read as groups of digits', async () => {
    const one = await safetyNumber(ada, bob);
    expect(await safetyNumber(bob, ada)).toEqual(one);
    expect(one.digits).toMatch(/^\d{5}( \d{5}){11}$/);
    expect(one.short).toMatch(/^\d{4} \d{4} \d{4}$/);
    // the same certificate written in lower case, or with spaces around it, is the same number
    expect(await safetyNumber({ ...ada, fingerprint: ` ${FP_A.toLowerCase()} ` }, bob)).toEqual(
      one,
    );
  });

  it.each([
    ['another certificate for the peer', { ...bob, fingerprint: FP_A }],
    ['another user with the same certificate', { ...bob, userId: 'mallory-id' }],
    [
      'the same bytes under another algorithm',
      { ...bob, fingerprint: FP_B.replace('sha-256', 'sha-384') },
    ],
  ])('change with %s', async (_name, other) => {
    expect((await safetyNumber(ada, other)).digits).not.toBe((await safetyNumber(ada, bob)).digits);
  });

  it.each([
    ['no algorithm', '4A:AD:B9'],
    ['odd hex', 'sha-256 4A:A'],
    ['not hex', 'sha-256 ZZ:00'],
    ['empty', ''],
    ['a line break inside', 'sha-256 4A:AD\n:B9'],
  ])('refuse a fingerprint with %s', async (_name, fingerprint) => {
    expect(parseFingerprint(fingerprint)).toBeNull();
    await expect(safetyPart({ userId: 'x', fingerprint })).rejects.toThrow(TypeError);
  });

  it('find the fingerprint in an SDP', () => {
    expect(
      sdpFingerprint(`v=0\r\na=group:BUNDLE 0\r\na=fingerprint:${FP_A}\r\na=setup:actpass\r\n`),
    ).toBe(FP_A);
    expect(sdpFingerprint('v=0\r\n')).toBeNull();
    expect(sdpFingerprint(undefined)).toBeNull();
  });
});
