import { createComponent } from '@lit/react';
import type { EventName } from '@lit/react';
import {
  P2PChatElement,
  P2PComposerElement,
  P2PLoginElement,
  P2PMessageListElement,
  P2PProviderElement,
} from '@p2pchat/elements';
import type {
  P2PFilesEvent,
  P2PLoginEvent,
  P2PLogoutEvent,
  P2PMessageActionEvent,
  P2PRegisterEvent,
  P2PSendEvent,
  P2PTypingEvent,
} from '@p2pchat/elements';
import * as React from 'react';

// Each element as a React component: properties set as properties (so `client` and `strings` pass
// objects), its DOM events as typed `on…` props. Rendered on a server, each is its tag with its attributes;
// the element takes over in the browser.

/**
 * `<p2p-chat>`: the whole chat, login included. Give it `server` (a URL) or a `client`.
 * @example
 * ```tsx
 * <P2PChat server="https://chat.example.com" locale="fr" onLogout={() => navigate('/')} />
 * ```
 */
export const P2PChat = createComponent({
  tagName: 'p2p-chat',
  elementClass: P2PChatElement,
  react: React,
  displayName: 'P2PChat',
  events: {
    onLogin: 'p2p-login' as EventName<P2PLoginEvent>,
    onLogout: 'p2p-logout' as EventName<P2PLogoutEvent>,
  },
});

/** `<p2p-login>`: log in or register, in two tabs. */
export const P2PLogin = createComponent({
  tagName: 'p2p-login',
  elementClass: P2PLoginElement,
  react: React,
  displayName: 'P2PLogin',
  events: {
    onLogin: 'p2p-login' as EventName<P2PLoginEvent>,
    onRegister: 'p2p-register' as EventName<P2PRegisterEvent>,
  },
});

/** `<p2p-provider>`: shares one client with every element inside it. */
export const P2PProvider = createComponent({
  tagName: 'p2p-provider',
  elementClass: P2PProviderElement,
  react: React,
  displayName: 'P2PProvider',
});

/** `<p2p-message-list>`: a conversation's messages, for a UI of your own. */
export const P2PMessageList = createComponent({
  tagName: 'p2p-message-list',
  elementClass: P2PMessageListElement,
  react: React,
  displayName: 'P2PMessageList',
  events: {
    onLoadOlder: 'p2p-load-older' as EventName<CustomEvent<Record<string, never>>>,
    onMessageAction: 'p2p-message-action' as EventName<P2PMessageActionEvent>,
  },
});

/** `<p2p-composer>`: the message box, for a UI of your own. */
export const P2PComposer = createComponent({
  tagName: 'p2p-composer',
  elementClass: P2PComposerElement,
  react: React,
  displayName: 'P2PComposer',
  events: {
    onSend: 'p2p-send' as EventName<P2PSendEvent>,
    onTyping: 'p2p-typing' as EventName<P2PTypingEvent>,
    onFiles: 'p2p-files' as EventName<P2PFilesEvent>,
    onCancelContext: 'p2p-cancel-context' as EventName<CustomEvent<Record<string, never>>>,
  },
});
