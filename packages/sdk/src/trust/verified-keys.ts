import type { PreferenceStorage } from '../auth/preferences.js';

// At most this many verified certificates per contact (their devices), and contacts with any.
const MAX_KEYS_PER_USER = 16;
const MAX_USERS = 1000;

const norm = (fingerprint: string) => fingerprint.toLowerCase().replace(/\s+/g, ' ').trim();

/**
 * The certificates (one per device) this account has verified for each contact, by comparing safety
 * numbers, kept with the account's other preferences on this device.
 */
export class VerifiedKeys {
  private account: string | null = null;
  private keys = new Map<string, string[]>();

  constructor(private readonly storage: PreferenceStorage) {}

  /** Switches to an account's verified keys (or none, logged out). */
  setAccount(userId: string | null): void {
    if (userId === this.account) return;
    this.account = userId;
    this.keys = new Map();
    if (!userId) return;
    try {
      const raw = JSON.parse(this.storage.get(this.key()) ?? '{}') as Record<string, unknown>;
      for (const [user, list] of Object.entries(raw).slice(0, MAX_USERS))
        if (Array.isArray(list))
          this.keys.set(
            user,
            list.filter((f): f is string => typeof f === 'string').slice(-MAX_KEYS_PER_USER),
          );
    } catch {
      // unreadable: nothing verified
    }
  }

  /** Whether the user has any verified device. */
  has(userId: string): boolean {
    return (this.keys.get(userId)?.length ?? 0) > 0;
  }

  /** Whether this certificate of the user's was verified. */
  isVerified(userId: string, fingerprint: string): boolean {
    return this.keys.get(userId)?.includes(norm(fingerprint)) ?? false;
  }

  /** Marks a certificate of the user's verified. */
  add(userId: string, fingerprint: string): void {
    const list = (this.keys.get(userId) ?? []).filter((f) => f !== norm(fingerprint));
    list.push(norm(fingerprint));
    this.keys.set(userId, list.slice(-MAX_KEYS_PER_USER));
    this.save();
  }

  /** Forgets the user's verified certificates. */
  remove(userId: string): void {
    this.keys.delete(userId);
    this.save();
  }

  /** Forgets everything this account verified. */
  forgetAll(): void {
    this.keys.clear();
    if (this.account) this.storage.remove(this.key());
  }

  private save(): void {
    if (this.account) this.storage.set(this.key(), JSON.stringify(Object.fromEntries(this.keys)));
  }

  private key(): string {
    return `p2pchat.verified.${this.account ?? ''}`;
  }
}
