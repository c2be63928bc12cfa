// Safety numbers: what two people compare (read aloud, or side by side) to know that nobody sat in the
// middle of their connection. Each side's part comes from its user id and the fingerprint of the DTLS
// certificate its connection used; the number is the two parts in a fixed order, so both compute the same.
//
// Derivation (version 1), for each party (userId, fingerprint):
//   fp    = the fingerprint's bytes (hex pairs of `a=fingerprint`, any case, colons ignored), with its
//           algorithm's name: "sha-256 " + 32 bytes
//   h0    = SHA-256("p2pchat-safety-number-v1" 0x00 userId 0x00 fp)
//   hi+1  = SHA-256(hi ‖ fp), 1,024 times (cheap to compute once, costly to search for a collision)
//   part  = the first 30 bytes of h1024 as six 5-byte big-endian numbers, each mod 100,000, as 5 digits
// number  = the two 30-digit parts, the smaller first, as twelve groups of five digits
// short   = the first 6 bytes of SHA-256(number) as three 4-digit groups (each 2 bytes mod 10,000): a quick
//           check to read aloud; the full number is the one to compare when it matters.

import { concatBytes } from '../internal/bytes.js';

const ITERATIONS = 1024;
const LABEL = 'p2pchat-safety-number-v1';

/** One side of a connection: who, and the fingerprint of the certificate its DTLS used. */
export interface SafetyParty {
  userId: string;
  /** As in SDP: `sha-256 AB:CD:…`. */
  fingerprint: string;
}

/** A conversation's safety number. */
export interface SafetyNumber {
  /** Sixty digits in twelve groups of five, the same on both sides when nobody is in the middle. */
  digits: string;
  /** Twelve digits in three groups of four: a quick check to read aloud. */
  short: string;
}

/** Parses `sha-256 AB:CD:…` (as SDP writes it) into its algorithm and bytes; null if it is not one. */
export function parseFingerprint(
  fingerprint: string,
): { algorithm: string; bytes: Uint8Array } | null {
  const m = /^\s*([a-z0-9-]{3,16})\s+((?:[0-9a-f]{2}:)*[0-9a-f]{2})\s*$/i.exec(fingerprint);
  if (!m?.[1] || !m[2]) return null;
  const hex = m[2].replace(/:/g, '');
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return { algorithm: m[1].toLowerCase(), bytes };
}

const sha256 = async (data: Uint8Array): Promise<Uint8Array> =>
  new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', data as Uint8Array<ArrayBuffer>));

const concat = (...parts: Uint8Array[]): Uint8Array => concatBytes(parts);

// Five digits from five bytes (big-endian, mod 100,000), kept with their leading zeros.
function fiveDigits(bytes: Uint8Array, at: number): string {
  let n = 0;
  for (let i = 0; i < 5; i++) n = n * 256 + (bytes[at + i] ?? 0);
  return String(n % 100_000).padStart(5, '0');
}

/** One party's 30 digits (see the derivation above). */
export async function safetyPart(party: SafetyParty): Promise<string> {
  const fp = parseFingerprint(party.fingerprint);
  if (!fp) throw new TypeError('not a certificate fingerprint');
  const enc = new TextEncoder();
  const fpBytes = concat(enc.encode(`${fp.algorithm} `), fp.bytes);
  let h = await sha256(
    concat(
      enc.encode(LABEL),
      Uint8Array.of(0),
      enc.encode(party.userId),
      Uint8Array.of(0),
      fpBytes,
    ),
  );
  for (let i = 0; i < ITERATIONS; i++) h = await sha256(concat(h, fpBytes));
  let digits = '';
  for (let i = 0; i < 6; i++) digits += fiveDigits(h, i * 5);
  return digits;
}

const groups = (digits: string, size: number) => digits.match(new RegExp(`.{${size}}`, 'g')) ?? [];

/** The safety number of a connection between two parties, whichever side computes it. */
export async function safetyNumber(a: SafetyParty, b: SafetyParty): Promise<SafetyNumber> {
  const parts = [await safetyPart(a), await safetyPart(b)].sort();
  const digits = parts.join('');
  const h = await sha256(new TextEncoder().encode(digits));
  let short = '';
  for (let i = 0; i < 3; i++)
    short += String(((h[i * 2] ?? 0) * 256 + (h[i * 2 + 1] ?? 0)) % 10_000).padStart(4, '0');
  return { digits: groups(digits, 5).join(' '), short: groups(short, 4).join(' ') };
}

/** The `a=fingerprint` of an SDP (the session's, or the first media section's); null if it has none. */
export function sdpFingerprint(sdp: string | undefined): string | null {
  const m = /^a=fingerprint:(.+)$/m.exec(sdp ?? '');
  return m?.[1] ? m[1].trim() : null;
}
