// A stand-in for the SDK client, for stories only: it shows the elements in a given state without a server.
// (The elements' tests use the real client against a real server.)
import type {
  ChatMessage,
  ClientEvents,
  ConversationRequest,
  ConversationSummary,
  OnlineUser,
  P2PClient,
  PrivateUser,
  StoredMessage,
} from '@p2pchat/sdk';

type Listener = (...args: never[]) => void;

export interface Script {
  user?: PrivateUser | null;
  users?: OnlineUser[];
  /** Messages that arrive just after the element subscribes. */
  incoming?: ChatMessage[];
  /** A peer who is typing. */
  typing?: string;
  /** The code every login and registration fails with. */
  failWith?: string;
  /** Conversation requests waiting for an answer. */
  requests?: ConversationRequest[];
  /** The local history, oldest first (every conversation). */
  history?: StoredMessage[];
  /** A contact whose verified key changed. */
  keyChanged?: string;
  /** How the connection goes: straight between the devices (the default) or through a TURN relay. */
  route?: 'direct' | 'relay';
}

// A safety number as the SDK answers it (digits made up for the story).
const SAFETY = {
  sessionId: 's-bob',
  digits: '30211 84577 09136 55420 71893 26604 48152 93077 10468 65239 87301 42715',
  short: '4821 0937 5516',
  local: 'sha-256 00',
  remote: 'sha-256 01',
  source: 'dtls',
  mismatch: false,
};

// A connection as the SDK reads it from getStats() (figures made up for the story).
const PATH = {
  sessionId: 's-bob',
  route: 'direct',
  local: 'host',
  remote: 'srflx',
  protocol: 'udp',
  rttMs: 7.4,
  bytesSent: 18_400,
  bytesReceived: 22_950,
};

export function person(
  id: string,
  displayName: string,
  status = 'Available',
  avatarUrl = '',
): OnlineUser {
  return {
    id,
    username: displayName.toLowerCase().replace(/\W+/g, '_') || id,
    displayName,
    status,
    bio: '',
    avatarUrl,
    sessions: [`s-${id}`],
  };
}

export function me(displayName = 'Ada Lovelace'): PrivateUser {
  return {
    ...person('me', displayName),
    email: 'ada@example.com',
    createdAt: '2026-01-01T00:00:00Z',
    lastLogin: null,
  };
}

/** A client that follows a script. */
export function scriptedClient(script: Script): P2PClient {
  const listeners = new Map<string, Set<Listener>>();
  const emit = (event: keyof ClientEvents, ...args: unknown[]) => {
    for (const l of listeners.get(event) ?? []) (l as (...a: unknown[]) => void)(...args);
  };
  let user = script.user ?? null;
  const users = [...(user ? [{ ...user, sessions: ['s-me'] }] : []), ...(script.users ?? [])];
  const fail = async () => {
    throw Object.assign(new Error(script.failWith), { code: script.failWith });
  };
  const client = {
    get user() {
      return user;
    },
    get users() {
      return users;
    },
    connectionState: user ? 'connected' : 'disconnected',
    relayOnly: false,
    connectionPolicy: 'contacts',
    requests: script.requests ?? [],
    accept: () => undefined,
    decline: () => undefined,
    on(event: string, listener: Listener) {
      if (!listeners.has(event)) listeners.set(event, new Set());
      listeners.get(event)?.add(listener);
      if (event === 'message') {
        setTimeout(() => {
          for (const m of script.incoming ?? []) emit('message', m);
          if (script.typing) emit('typing', { userId: script.typing, typing: true });
        }, 50);
      }
      return () => listeners.get(event)?.delete(listener);
    },
    restore: async () => user,
    connect: async () => ({}),
    login: script.failWith ? fail : async () => user ?? me(),
    register: script.failWith ? fail : async () => user ?? me(),
    logout: async () => {
      user = null;
      emit('auth', null);
    },
    updateProfile: async () => user,
    conversationList: async () => summaries(script.history ?? []),
    search: async (text: string) =>
      (script.history ?? []).filter((m) => m.body.toLowerCase().includes(text.toLowerCase())),
    conversation: (peerId: string) => ({
      send: async (body: string) => ({ id: String(Math.random()), body, status: 'delivered' }),
      typing: () => undefined,
      history: async () => ({
        messages: (script.history ?? []).filter((m) => m.peerId === peerId).reverse(),
        next: null,
      }),
      markRead: async () => undefined,
      trust: script.keyChanged === peerId ? 'changed' : 'unverified',
      safetyNumbers: async () => [SAFETY],
      connections: async () => [
        script.route === 'relay'
          ? { ...PATH, route: 'relay', local: 'relay', remote: 'srflx', rttMs: 48.3 }
          : PATH,
      ],
      verify: async () => undefined,
      react: async () => undefined,
      edit: async () => undefined,
      delete: async () => undefined,
    }),
    disconnect: () => undefined,
  };
  return client as unknown as P2PClient;
}

// The conversation list a store would answer for this history: latest first.
function summaries(history: StoredMessage[]): ConversationSummary[] {
  const last = new Map<string, StoredMessage>();
  for (const m of history) last.set(m.peerId, m);
  return [...last.values()]
    .sort((a, b) => b.storedAt - a.storedAt)
    .map((m) => ({
      peerId: m.peerId,
      peerName: history.find((x) => x.peerId === m.peerId && x.direction === 'in')?.fromName ?? '',
      last: m,
      unread: 0,
    }));
}

/** A message of the local history, for stories. */
export function stored(
  id: string,
  peerId: string,
  direction: 'in' | 'out',
  body: string,
  minute: number,
  extra: Partial<StoredMessage> = {},
): StoredMessage {
  const at = Date.UTC(2026, 10, 24, 10, minute);
  return {
    id,
    peerId,
    fromId: direction === 'out' ? 'me' : peerId,
    fromName: direction === 'out' ? 'Ada Lovelace' : peerId[0]?.toUpperCase() + peerId.slice(1),
    direction,
    body,
    sentAt: at,
    storedAt: at,
    status: direction === 'out' ? 'read' : 'delivered',
    ...extra,
  };
}
