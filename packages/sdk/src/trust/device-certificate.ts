import { openDB } from 'idb';
import type { RTCPeerConnectionConstructor } from '../rtc/peer-session.js';

/** Where each account's certificate for this device is kept, so its fingerprint survives reloads. */
export interface CertificateStore {
  /** The certificate kept for the account on this device, or null. */
  load(accountId: string): Promise<RTCCertificate | null>;
  /** Keeps the account's certificate. */
  save(accountId: string, certificate: RTCCertificate): Promise<void>;
  /** Forgets the account's certificate (the next login makes a new one). */
  remove(accountId: string): Promise<void>;
}

const DB = 'p2pchat-certificates';
const STORE = 'certificates';

/** The IndexedDB certificate store itself, loaded on first use by `indexedDbCertificates` (certificate-store.ts). */
export function openIndexedDbCertificates(name = DB): CertificateStore {
  const db = () =>
    openDB(name, 1, {
      upgrade(d) {
        d.createObjectStore(STORE);
      },
    });
  return {
    async load(accountId) {
      const d = await db();
      try {
        return ((await d.get(STORE, accountId)) as RTCCertificate | undefined) ?? null;
      } finally {
        d.close();
      }
    },
    async save(accountId, certificate) {
      const d = await db();
      try {
        await d.put(STORE, certificate, accountId);
      } finally {
        d.close();
      }
    },
    async remove(accountId) {
      const d = await db();
      try {
        await d.delete(STORE, accountId);
      } finally {
        d.close();
      }
    },
  };
}

/** The default: IndexedDB where there is one and the WebRTC implementation makes certificates; else none. */
export function defaultCertificates(): CertificateStore | null {
  return typeof globalThis.indexedDB === 'object' && globalThis.indexedDB !== null
    ? openIndexedDbCertificates()
    : null;
}

// A certificate is renewed this long before it expires (browsers make them for 30 days by default; we ask
// for a year, which Chromium grants).
const RENEW_BEFORE_MS = 7 * 24 * 3600_000;
const LIFETIME_MS = 365 * 24 * 3600_000;

/** The store in use: the one given, none for `null`, else the default. */
export const certificateStoreOf = (option: CertificateStore | null | undefined) =>
  option === undefined ? defaultCertificates() : option;

/**
 * This device's certificate for the account: the stored one while it is valid, else a new ECDSA P-256 one,
 * stored. Undefined where the implementation cannot make certificates (node-datachannel): connections then
 * use a fresh one each time.
 */
export async function deviceCertificate(
  option: CertificateStore | null | undefined,
  accountId: string,
  RTC: RTCPeerConnectionConstructor | undefined,
): Promise<RTCCertificate | undefined> {
  const make = (
    RTC as { generateCertificate?: typeof RTCPeerConnection.generateCertificate } | undefined
  )?.generateCertificate;
  const store = certificateStoreOf(option);
  if (!store || typeof make !== 'function') return undefined;
  try {
    const kept = await store.load(accountId);
    if (kept && kept.expires - Date.now() > RENEW_BEFORE_MS) return kept;
    const fresh = await make.call(RTC, {
      name: 'ECDSA',
      namedCurve: 'P-256',
      expires: LIFETIME_MS,
    } as AlgorithmIdentifier);
    await store.save(accountId, fresh);
    return fresh;
  } catch {
    return undefined; // no stable certificate: each connection makes its own
  }
}
