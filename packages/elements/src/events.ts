import type { PrivateUser } from '@p2pchat/sdk';

/** Fired by `<p2p-login>` after a successful login; `detail.user` is the account. Bubbles, composed. */
export type P2PLoginEvent = CustomEvent<{ user: PrivateUser }>;
/** Fired by `<p2p-login>` after a successful registration; `detail.user` is the new account. */
export type P2PRegisterEvent = CustomEvent<{ user: PrivateUser }>;
/** Fired by `<p2p-chat>` when the user logs out. */
export type P2PLogoutEvent = CustomEvent<Record<string, never>>;

declare global {
  interface HTMLElementEventMap {
    'p2p-login': P2PLoginEvent;
    'p2p-register': P2PRegisterEvent;
    'p2p-logout': P2PLogoutEvent;
  }
}

/** Dispatches a typed, bubbling, composed event from `el`. */
export function emit<K extends 'p2p-login' | 'p2p-register' | 'p2p-logout'>(
  el: HTMLElement,
  name: K,
  detail: HTMLElementEventMap[K]['detail'],
): void {
  el.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
}
