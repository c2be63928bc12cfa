import { lazy } from '../internal/lazy.js';
import type { CertificateStore } from './device-certificate.js';

/**
 * Keeps certificates in IndexedDB (the default in browsers): an RTCCertificate is stored as it is, its
 * private key never readable by the page, and one per account on this device.
 *
 * Its code (and `idb`) loads on first use; a load that fails is tried again on the next call.
 */
export function indexedDbCertificates(name?: string): CertificateStore {
  const store = lazy(() =>
    import('./device-certificate.js').then((m) => m.openIndexedDbCertificates(name)),
  ).get;
  return {
    load: async (accountId) => (await store()).load(accountId),
    save: async (accountId, certificate) => (await store()).save(accountId, certificate),
    remove: async (accountId) => (await store()).remove(accountId),
  };
}
