import { createClient, P2PError } from '@p2pchat/sdk';
import type {
  ClientOptions,
  ConversationState,
  FileSource,
  FileTransfer,
  OnlineUser,
  P2PClient,
  PrivateUser,
  SendFileOptions,
  SentMessage,
  SignalingState,
  StoredMessage,
} from '@p2pchat/sdk';
import type { ReactNode } from 'react';
import {
  createContext,
  createElement,
  useCallback,
  useContext,
  useEffect,
  useReducer,
  useRef,
  useState,
} from 'react';

// Every hook subscribes in an effect and unsubscribes in its cleanup, so React's Strict Mode (which runs
// effects twice) and server rendering (which runs none) leave nothing behind: on a server each answers
// its empty value and touches no browser global.

const ClientContext = createContext<P2PClient | null>(null);

/** Gives `client` to every hook below it that is not handed a client of its own. */
export function P2PClientProvider(props: { client: P2PClient | null; children?: ReactNode }) {
  return createElement(ClientContext.Provider, { value: props.client }, props.children);
}

/**
 * A client for the component's lifetime: made (with `options`) after the first render, logged back in
 * from its stored session and connected, and disconnected when the component unmounts or `server`
 * changes. Null until then, and always on a server. Without options: the client of the nearest
 * {@link P2PClientProvider}.
 * @example
 * ```tsx
 * const client = useP2PClient({ server: 'https://chat.example.com' });
 * return client ? <P2PChat client={client} /> : null;
 * ```
 */
export function useP2PClient(options?: ClientOptions): P2PClient | null {
  const provided = useContext(ClientContext);
  const [own, setOwn] = useState<P2PClient | null>(null);
  // The options of the moment are read when a client is made; a new server makes a new client.
  const latest = useRef(options);
  latest.current = options;
  const server = options?.server;
  useEffect(() => {
    const opts = latest.current;
    if (!server || !opts) return;
    const client = createClient({ ...opts, server });
    setOwn(client);
    let live = true;
    const connect = () => {
      if (live && client.user && client.connectionState === 'disconnected')
        client.connect().catch(() => undefined); // the connection state says how it went
    };
    const off = client.on('auth', connect);
    client.restore().then(connect, () => undefined);
    return () => {
      live = false;
      off();
      client.disconnect();
      setOwn((current) => (current === client ? null : current));
    };
  }, [server]);
  return options ? own : provided;
}

// The client a hook works with: the one it was handed, else the provider's.
function useClient(client: P2PClient | null | undefined): P2PClient | null {
  const provided = useContext(ClientContext);
  return client === undefined ? provided : client;
}

// A value read from the client now and again whenever one of its events says it changed.
function useClientValue<T>(
  client: P2PClient | null,
  read: (client: P2PClient) => T,
  empty: T,
  subscribe: (client: P2PClient, changed: () => void) => () => void,
): T {
  const [value, setValue] = useState<T>(() => (client ? read(client) : empty));
  const reader = useRef(read);
  reader.current = read;
  useEffect(() => {
    if (!client) {
      setValue(empty);
      return;
    }
    const changed = () => setValue(reader.current(client));
    changed();
    return subscribe(client, changed);
    // `empty` and `subscribe` are fixed per hook: only a new client starts over
  }, [client]);
  return value;
}

const NOBODY: OnlineUser[] = [];

/** Everyone online (yourself included), kept current. */
export function usePresence(client?: P2PClient | null): OnlineUser[] {
  return useClientValue(
    useClient(client),
    (c) => c.users,
    NOBODY,
    (c, changed) => c.on('presence', changed),
  );
}

/** The logged-in user, or null; follows logins, logouts and profile changes. */
export function useUser(client?: P2PClient | null): PrivateUser | null {
  return useClientValue(
    useClient(client),
    (c) => c.user,
    null,
    (c, changed) => c.on('auth', changed),
  );
}

/** The state of the signaling connection (`disconnected` on a server and without a client). */
export function useConnectionState(client?: P2PClient | null): SignalingState {
  return useClientValue(
    useClient(client),
    (c) => c.connectionState,
    'disconnected' as SignalingState,
    (c, changed) => c.on('connection', changed),
  );
}

/** What {@link useConversation} answers. */
export interface ConversationView {
  /** The latest messages, oldest first: both directions, with their status, edits and reactions. */
  messages: StoredMessage[];
  /** The connection to the peer: `idle`, `connecting`, `requested`, `open`, `reconnecting` or `closed`. */
  state: ConversationState;
  /** Whether the peer is typing. */
  typing: boolean;
  /** Whether older messages than those shown are stored. */
  hasOlder: boolean;
  /**
   * Sends a message (see `Conversation.send`) and shows it at once. Rejects with a `P2PError`:
   * `NOT_LOGGED_IN` without a client (or before login), `INVALID_PAYLOAD` without a peer, or what
   * `Conversation.send` rejects with.
   */
  send(body: string): Promise<SentMessage>;
  /** Says that you are typing, or stopped. */
  setTyping(on: boolean): void;
  /** Shows `more` (default 50) older messages as well. */
  loadOlder(more?: number): void;
}

const PAGE = 50;

// The conversation a hook's action goes to, or the coded error saying why there is none.
function conversationFor(c: P2PClient | null, peerId: string | null | undefined, hook: string) {
  if (!c) throw new P2PError('NOT_LOGGED_IN', `${hook}: no client to send with.`, 'auth');
  if (!peerId) throw new P2PError('INVALID_PAYLOAD', `${hook}: no peer to send to.`, 'peer');
  return c.conversation(peerId);
}

/**
 * One conversation, kept current from the local history and the client's events: messages (read from the
 * device's store, so they survive reloads), connection state and the peer's typing, with `send`.
 * @example
 * ```tsx
 * const { messages, send, typing } = useConversation(peerId);
 * ```
 */
export function useConversation(
  peerId: string | null | undefined,
  client?: P2PClient | null,
): ConversationView {
  const c = useClient(client);
  const [messages, setMessages] = useState<StoredMessage[]>([]);
  const [hasOlder, setHasOlder] = useState(false);
  const [state, setState] = useState<ConversationState>('idle');
  const [typing, setTypingState] = useState(false);
  const [limit, setLimit] = useState(PAGE);
  // The effect's reader, so that `send` shows what it stored through the same one-at-a-time read.
  const reloadNow = useRef<() => Promise<void>>(async () => undefined);
  useEffect(() => {
    if (!c || !peerId) {
      setMessages([]);
      setHasOlder(false);
      setState('idle');
      setTypingState(false);
      return;
    }
    const conversation = c.conversation(peerId);
    let live = true;
    let reading = false;
    let again = false;
    // One read at a time; changes during a read ask for one more.
    const reload = async () => {
      if (reading) {
        again = true;
        return;
      }
      reading = true;
      try {
        do {
          again = false;
          const page = await conversation.history({ limit });
          if (!live) return;
          setMessages([...page.messages].reverse());
          setHasOlder(page.next !== null);
        } while (again && live);
      } catch {
        // no store yet (logged out): nothing to show
      } finally {
        reading = false;
      }
    };
    const mine = (id: string) => id === peerId;
    const offs = [
      c.on('message', (m) => mine(m.peerId) && void reload()),
      c.on('changed', (m) => mine(m.peerId) && void reload()),
      c.on('status', (s) => mine(s.peerId) && void reload()),
      c.on('auth', () => void reload()),
      c.on('typing', (t) => mine(t.userId) && setTypingState(t.typing)),
      c.on('conversation:state', (s) => mine(s.userId) && setState(s.state)),
    ];
    reloadNow.current = reload;
    setState(conversation.state);
    void reload();
    return () => {
      live = false;
      offs.forEach((off) => off());
    };
  }, [c, peerId, limit]);

  const send = useCallback(
    async (body: string) => {
      const sent = await conversationFor(c, peerId, 'useConversation').send(body);
      await reloadNow.current(); // what was stored shows at once, before any event about it
      return sent;
    },
    [c, peerId],
  );
  const setTyping = useCallback(
    (on: boolean) => {
      if (c && peerId) c.conversation(peerId).typing(on);
    },
    [c, peerId],
  );
  const loadOlder = useCallback((more = PAGE) => setLimit((n) => n + more), []);
  return { messages, state, typing, hasOlder, send, setTyping, loadOlder };
}

/** What {@link useTransfers} answers. */
export interface TransfersView {
  /**
   * The files going to or coming from the peer since the component mounted (and those still under way
   * from before), oldest first: offers to `accept()` or `decline()`, each with its `state` and
   * `progress` kept current, finished ones (their `done` holds the file) included.
   */
  transfers: FileTransfer[];
  /**
   * Offers a file to the peer (see `Conversation.sendFile`); it joins `transfers`. Rejects with a
   * `P2PError`: `NOT_LOGGED_IN` without a client, `INVALID_PAYLOAD` without a peer, or what `sendFile`
   * rejects with (`FILE_TOO_LARGE`, …).
   */
  sendFile(source: FileSource, options?: SendFileOptions): Promise<FileTransfer>;
}

// Finished transfers kept per peer, beyond which the oldest finished ones go.
const KEPT_FINISHED = 50;

/**
 * The file transfers with one peer, in both directions, kept current: offers made to you and files sent
 * to the peer (by this hook's `sendFile` or any other), with their states and progress.
 * @example
 * ```tsx
 * const { transfers, sendFile } = useTransfers(peerId);
 * <input type="file" onChange={(e) => e.target.files?.[0] && void sendFile(e.target.files[0])} />
 * ```
 */
export function useTransfers(
  peerId: string | null | undefined,
  client?: P2PClient | null,
): TransfersView {
  const c = useClient(client);
  const [transfers, setTransfers] = useState<FileTransfer[]>([]);
  // A transfer's state and progress change the transfer itself: render again when they do.
  const [, changed] = useReducer((n: number) => n + 1, 0);
  useEffect(() => {
    setTransfers([]);
    if (!c || !peerId) return;
    const followed = new Map<FileTransfer, () => void>();
    let list: FileTransfer[] = [];
    const add = (t: FileTransfer) => {
      if (t.peerId !== peerId || followed.has(t)) return;
      const onChange = () => changed();
      t.on('state', onChange).on('progress', onChange);
      followed.set(t, () => t.off('state', onChange).off('progress', onChange));
      list = [...list, t];
      const finished = list.filter((x) => x.settled);
      for (const gone of finished.slice(0, Math.max(0, finished.length - KEPT_FINISHED))) {
        followed.get(gone)?.();
        followed.delete(gone);
        list = list.filter((x) => x !== gone);
      }
      setTransfers(list);
    };
    c.transfers.forEach(add);
    const off = c.on('transfer', add);
    return () => {
      off();
      for (const stop of followed.values()) stop();
    };
  }, [c, peerId]);

  const sendFile = useCallback(
    async (source: FileSource, options?: SendFileOptions) =>
      conversationFor(c, peerId, 'useTransfers').sendFile(source, options),
    [c, peerId],
  );
  return { transfers, sendFile };
}
