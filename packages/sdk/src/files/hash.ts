import { FILE_PROTOCOL } from './transfer.js';

/**
 * A file's SHA-256 as the transfer protocol defines it (frames v4): the SHA-256 of the SHA-256 digests of
 * its checkpoint blocks (1 MiB each, the last one shorter), one after the other. Each block is hashed on its
 * own, so the hashing can be done by WebCrypto (native, and off the page's thread) although WebCrypto has
 * no streaming digest; fed in order, copied at checkpoints (a resume goes on from a copy).
 */
export interface Hasher {
  update(bytes: Uint8Array): void;
  clone(): Hasher;
  /** The file's digest in hex, once every block is hashed. */
  hex(): Promise<string>;
}

type Digest = (bytes: Uint8Array) => Promise<Uint8Array>;
let digest: Promise<Digest> | undefined;

/**
 * The one-shot SHA-256 in use: WebCrypto's where there is one (browsers in a secure context, Node, Deno,
 * Bun), else SHA-256 in JavaScript (`@noble/hashes`, fetched only then: a page served over plain http on
 * another host than localhost has no WebCrypto).
 */
export function loadHasher(): Promise<Digest> {
  digest ??= (async (): Promise<Digest> => {
    const subtle = (globalThis as { crypto?: Crypto }).crypto?.subtle;
    if (subtle)
      return async (bytes) =>
        new Uint8Array(await subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
    const { sha256 } = await import('@noble/hashes/sha2.js');
    return async (bytes) => sha256(bytes);
  })();
  return digest;
}

const hashOf = (bytes: Uint8Array): Promise<Uint8Array> => loadHasher().then((d) => d(bytes));

function concat(parts: Uint8Array[], size: number): Uint8Array {
  if (parts.length === 1 && parts[0]) return parts[0];
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

class BlockHasher implements Hasher {
  constructor(
    // the digests of the blocks so far, in order (each still being computed, perhaps)
    private readonly blocks: Promise<Uint8Array>[] = [],
    // the bytes of the block being filled
    private parts: Uint8Array[] = [],
    private filled = 0,
  ) {}

  update(bytes: Uint8Array): void {
    const block = FILE_PROTOCOL.checkpoint;
    let rest = bytes;
    // A chunk that crosses a block's end (never from a sender of ours, perhaps from another) is cut there.
    while (this.filled + rest.byteLength >= block) {
      const take = block - this.filled;
      this.parts.push(rest.subarray(0, take));
      this.seal(block);
      rest = rest.subarray(take);
    }
    if (rest.byteLength > 0) {
      this.parts.push(rest);
      this.filled += rest.byteLength;
    }
  }

  clone(): Hasher {
    return new BlockHasher([...this.blocks], [...this.parts], this.filled);
  }

  async hex(): Promise<string> {
    const blocks = [...this.blocks];
    if (this.filled > 0) blocks.push(hashOf(concat(this.parts, this.filled)));
    const digests = await Promise.all(blocks);
    const all = await hashOf(concat(digests, digests.length * 32));
    return Array.from(all, (b) => b.toString(16).padStart(2, '0')).join('');
  }

  private seal(size: number): void {
    this.blocks.push(hashOf(concat(this.parts, size)));
    this.parts = [];
    this.filled = 0;
  }
}

export const newHasher = (): Hasher => new BlockHasher();
