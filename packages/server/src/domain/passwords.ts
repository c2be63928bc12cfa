import { hash, verify } from '@node-rs/argon2';
import type { Algorithm } from '@node-rs/argon2';

// OWASP's argon2id recommendation: 19 MiB of memory, 2 passes, 1 lane (about 11 ms here).
// `Algorithm` is an ambient const enum (not importable as a value here); 2 is its Argon2id member.
const ARGON2ID = 2 as Algorithm.Argon2id;
const PARAMS = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/** Hashes and checks passwords with argon2id. */
export interface PasswordHasher {
  /** The hash to store for a password. */
  hash(password: string): Promise<string>;
  /** Whether `password` matches the stored `passwordHash`. */
  verify(passwordHash: string, password: string): Promise<boolean>;
  /**
   * Spends the time of a real verification and answers false, so that an unknown account costs as much
   * as a wrong password.
   */
  verifyNothing(password: string): Promise<false>;
}

/** The argon2id hasher (OWASP parameters). */
export function createPasswordHasher(): PasswordHasher {
  let decoy: Promise<string> | null = null;
  return {
    hash: (password) => hash(password, PARAMS),
    async verify(passwordHash, password) {
      try {
        return await verify(passwordHash, password);
      } catch {
        return false; // a corrupt hash never lets anyone in
      }
    },
    async verifyNothing(password) {
      decoy ??= hash('decoy-password-for-unknown-accounts', PARAMS);
      await verify(await decoy, password).catch(() => false);
      return false;
    },
  };
}
