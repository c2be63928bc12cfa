import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';

/** SHA-256 as a transfer uses it: fed in order, copied at checkpoints (WebCrypto has no streaming digest). */
export type Hasher = ReturnType<typeof sha256.create>;
export const newHasher = (): Hasher => sha256.create();
export const hexDigest = (h: Hasher): string => bytesToHex(h.digest());
