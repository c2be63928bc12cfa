import { createHash, randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';

const MiB = 1024 * 1024;
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest();

// The protocol's definition, computed independently: SHA-256 over the SHA-256 of each 1 MiB block.
function expected(file: Uint8Array): string {
  const digests: Buffer[] = [];
  for (let at = 0; at < file.byteLength; at += MiB) digests.push(sha(file.subarray(at, at + MiB)));
  return createHash('sha256').update(Buffer.concat(digests)).digest('hex');
}

function chunks(file: Uint8Array, size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let at = 0; at < file.byteLength; at += size) out.push(file.subarray(at, at + size));
  return out;
}

const SIZES = [0, 1, MiB - 1, MiB, MiB + 1, 3.5 * MiB];
// how the bytes arrive: aligned as our senders send them, and cut across block ends as another might
const CHUNKINGS = [MiB, 64 * 1024, 100_000, 3 * MiB];

describe.each([
  ['WebCrypto', false],
  ['JavaScript (no WebCrypto: a page on plain http)', true],
])('the file hash with %s', (_name, withoutWebCrypto) => {
  const real = Object.getOwnPropertyDescriptor(globalThis, 'crypto');
  afterEach(() => {
    if (real) Object.defineProperty(globalThis, 'crypto', real);
  });
  const load = async () => {
    if (withoutWebCrypto)
      Object.defineProperty(globalThis, 'crypto', { value: undefined, configurable: true });
    vi.resetModules();
    return import('./hash.js');
  };

  it.each(SIZES)('hashes %d bytes as the protocol defines, however they are cut', async (size) => {
    const { newHasher } = await load();
    const file = new Uint8Array(randomBytes(size));
    for (const size of CHUNKINGS) {
      const h = newHasher();
      for (const c of chunks(file, size)) h.update(c);
      expect(await h.hex(), `in chunks of ${size}`).toBe(expected(file));
    }
  });

  it('goes on from a copy taken at a checkpoint, as a resume does', async () => {
    const { newHasher } = await load();
    const file = new Uint8Array(randomBytes(2.5 * MiB));
    const h = newHasher();
    h.update(file.subarray(0, MiB));
    const atCheckpoint = h.clone();
    h.update(file.subarray(MiB, 2 * MiB)); // sent, then lost with the connection
    atCheckpoint.update(file.subarray(MiB));
    expect(await atCheckpoint.hex()).toBe(expected(file));
    // the original is unchanged by its copy
    h.update(file.subarray(2 * MiB));
    expect(await h.hex()).toBe(expected(file));
  });
});
