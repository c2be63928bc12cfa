// A stand-in for the SDK client, for stories only: it shows the elements in a given state without a server.
// (The elements' tests use the real client against a real server.)
import type {
  ChatMessage,
  ClientEvents,
  ConversationRequest,
  OnlineUser,
  P2PClient,
  PrivateUser,
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
}

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
    conversationList: async () => [],
    conversation: () => ({
      send: async (body: string) => ({ id: String(Math.random()), body, status: 'delivered' }),
      typing: () => undefined,
      history: async () => ({ messages: [], next: null }),
      markRead: async () => undefined,
    }),
    disconnect: () => undefined,
  };
  return client as unknown as P2PClient;
}
