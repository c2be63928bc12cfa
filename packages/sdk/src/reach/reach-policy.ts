import type { PreferenceStorage } from '../auth/preferences.js';

/**
 * Who may open a connection to you without asking. Answering an offer reveals your network addresses to the
 * peer, so by default only people you have talked with (`contacts`) are answered at once.
 * - `anyone`: every signed-in user is answered.
 * - `contacts`: people you wrote to or accepted before are answered; others become conversation requests.
 * - `ask`: everyone becomes a request, until you accept them (for this session of the client).
 */
export type ConnectionPolicy = 'anyone' | 'contacts' | 'ask';

/** What happens to an offer from someone the policy does not allow: a request, or an answer over relays only. */
export type StrangerHandling = 'request' | 'relay';

/** Options of who can reach you. */
export interface ReachOptions {
  /** Default `contacts`. */
  policy?: ConnectionPolicy;
  /** Default `request`: nothing is answered and no candidate is sent until the user accepts. */
  strangers?: StrangerHandling;
}

/** What to do with an offer from a user. */
export type ReachDecision = 'answer' | 'answer-relay' | 'ask' | 'decline' | 'ignore';

interface Remembered {
  contacts: string[];
  declined: string[];
  blocked: string[];
}

// Bounds on what is remembered per account, so a flood of strangers cannot grow storage without end.
const MAX_REMEMBERED = 5000;

/**
 * The connection policy of one account, with what the user decided (contacts, declined, blocked), kept per
 * account in the client's preference storage.
 */
export class ReachPolicy {
  policy: ConnectionPolicy;
  strangers: StrangerHandling;
  private account: string | null = null;
  private remembered: Remembered = { contacts: [], declined: [], blocked: [] };
  // Accepted in this run of the client: reconnections after a blip are never asked again.
  private readonly acceptedNow = new Set<string>();

  constructor(
    private readonly storage: PreferenceStorage,
    options: ReachOptions = {},
  ) {
    this.policy = options.policy ?? 'contacts';
    this.strangers = options.strangers ?? 'request';
  }

  /** Switches to an account's remembered decisions (or none, logged out). */
  setAccount(userId: string | null): void {
    if (userId === this.account) return;
    this.account = userId;
    this.acceptedNow.clear();
    this.remembered = { contacts: [], declined: [], blocked: [] };
    if (!userId) return;
    const raw = this.storage.get(this.key());
    if (!raw) return;
    try {
      const v = JSON.parse(raw) as Partial<Record<keyof Remembered, unknown>>;
      const ids = (x: unknown) =>
        Array.isArray(x)
          ? x.filter((i): i is string => typeof i === 'string').slice(-MAX_REMEMBERED)
          : [];
      this.remembered = {
        contacts: ids(v.contacts),
        declined: ids(v.declined),
        blocked: ids(v.blocked),
      };
    } catch {
      // unreadable: start afresh
    }
  }

  /** What to do with an offer from `userId`. */
  decide(userId: string): ReachDecision {
    if (this.remembered.blocked.includes(userId)) return 'ignore';
    if (this.remembered.declined.includes(userId)) return 'decline';
    if (this.policy === 'anyone' || this.acceptedNow.has(userId)) return 'answer';
    if (this.policy === 'contacts' && this.remembered.contacts.includes(userId)) return 'answer';
    return this.strangers === 'relay' ? 'answer-relay' : 'ask';
  }

  /** People you wrote to or accepted. */
  get contacts(): string[] {
    return [...this.remembered.contacts];
  }

  /** People whose requests you declined (they are declined again without asking). */
  get declined(): string[] {
    return [...this.remembered.declined];
  }

  /** People you blocked (their offers are ignored). */
  get blocked(): string[] {
    return [...this.remembered.blocked];
  }

  /** You started a conversation with them, or accepted theirs: they may reach you from now on. */
  allow(userId: string): void {
    this.acceptedNow.add(userId);
    this.update(userId, 'contacts');
  }

  /** Declines them, now and later (until allowed again). */
  decline(userId: string): void {
    this.acceptedNow.delete(userId);
    this.update(userId, 'declined');
  }

  /** Ignores them, now and later (until allowed again). */
  block(userId: string): void {
    this.acceptedNow.delete(userId);
    this.update(userId, 'blocked');
  }

  /** Forgets every decision of this account. */
  forgetAll(): void {
    this.acceptedNow.clear();
    this.remembered = { contacts: [], declined: [], blocked: [] };
    if (this.account) this.storage.remove(this.key());
  }

  // A user is in exactly one of the three lists (the newest decision wins).
  private update(userId: string, list: keyof Remembered): void {
    for (const k of ['contacts', 'declined', 'blocked'] as const) {
      this.remembered[k] = this.remembered[k].filter((id) => id !== userId);
    }
    this.remembered[list].push(userId);
    if (this.remembered[list].length > MAX_REMEMBERED) this.remembered[list].shift();
    if (this.account) this.storage.set(this.key(), JSON.stringify(this.remembered));
  }

  private key(): string {
    return `p2pchat.reach.${this.account ?? ''}`;
  }
}
