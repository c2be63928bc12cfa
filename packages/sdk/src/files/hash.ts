import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';

/** An incremental SHA-256 as a transfer uses it: fed in order, copied at checkpoints. */
export interface Hasher {
  update(bytes: Uint8Array): void;
  clone(): Hasher;
  /** The digest in hex; the hasher is used up. */
  hex(): string;
}

// Node's own hash (OpenSSL), where there is one: about fifteen times faster than SHA-256 in JavaScript.
interface NodeHash {
  update(bytes: Uint8Array): NodeHash;
  copy(): NodeHash;
  digest(encoding: 'hex'): string;
}
let createNodeHash: ((algorithm: 'sha256') => NodeHash) | undefined;

/**
 * Looks for Node's crypto module once (in Node, Deno and Bun); browsers keep the JavaScript hash, since
 * WebCrypto has no streaming digest. The module name is kept from bundlers, which need not resolve it.
 */
export async function loadNativeHash(): Promise<void> {
  const proc = (globalThis as { process?: { versions?: { node?: string } } }).process;
  if (createNodeHash || !proc?.versions?.node) return;
  const name = 'node:crypto';
  try {
    const m = (await import(/* @vite-ignore */ name)) as { createHash(a: 'sha256'): NodeHash };
    createNodeHash = (a) => m.createHash(a);
  } catch {
    // no such module here: the JavaScript hash does
  }
}

const fromNode = (h: NodeHash): Hasher => ({
  update: (bytes) => void h.update(bytes),
  clone: () => fromNode(h.copy()),
  hex: () => h.digest('hex'),
});
const fromNoble = (h: ReturnType<typeof sha256.create>): Hasher => ({
  update: (bytes) => void h.update(bytes),
  clone: () => fromNoble(h.clone()),
  hex: () => bytesToHex(h.digest()),
});

export const newHasher = (): Hasher =>
  createNodeHash ? fromNode(createNodeHash('sha256')) : fromNoble(sha256.create());
