import { randomId } from '@p2pchat/sdk';
import type {
  ChatMessage,
  ClientOptions,
  ConnectionSafety,
  ConnectionPolicy,
  ConversationRequest,
  ConversationState,
  ConversationSummary,
  MessageStatus,
  OnlineUser,
  StoredMessage,
  P2PClient,
  PrivateUser,
  SignalingState,
} from '@p2pchat/sdk';
import { html, LitElement, nothing } from 'lit';
import type { PropertyValues } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { ClientController } from '../../controllers/client-controller.js';
import { emit } from '../../events.js';
import { errorText, format } from '../../i18n.js';
import type { StringOverrides, Strings } from '../../i18n.js';
import { LocaleController } from '../../controllers/locale-controller.js';
import { avatar } from '../../internal/avatar.js';
import { tokens } from '../../styles/tokens.js';
import { TransfersController } from '../../controllers/transfers-controller.js';
import { ConnectionController } from '../../controllers/connection-controller.js';
import type {
  ComposerContext,
  P2PComposerElement,
  P2PFilesEvent,
  P2PSendEvent,
  P2PTypingEvent,
} from '../composer/composer.component.js';
import type {
  MessageAction,
  P2PMessageActionEvent,
  UiMessage,
} from '../message-list/message-list.component.js';
import { chatStyles } from './chat.styles.js';
import { LazyView } from '../../controllers/lazy-view.js';
// In the first load, always: a key-change warning must show even if nothing more can be fetched.
import { keyChangedWarning, safetyPanel } from './safety.js';

interface ConversationView {
  messages: UiMessage[];
  unread: number;
  typing: boolean;
  /** The cursor of older history not shown yet (undefined: history not loaded yet; null: no more). */
  older?: string | null;
}

const MAX_KEPT_MESSAGES = 500;
// Texts of messages kept for quoting replies.
const MAX_KEPT_TEXTS = 2000;
const PREVIEW_LENGTH = 80;
const NOTIFICATION_LENGTH = 120;

// A reply or an edit under way in the open conversation.
interface Composing {
  peerId: string;
  kind: 'reply' | 'edit';
  id: string;
}

// How the message list names each delivery status of the SDK.
const UI_STATE = {
  pending: 'sending',
  delivered: 'delivered',
  read: 'read',
  failed: 'failed',
} as const;

/**
 * A complete peer-to-peer chat: log in, see who is online, and talk to them directly.
 *
 * @tag p2p-chat
 * @summary Drop-in P2P chat for any page: `<p2p-chat server="https://chat.example.com">`.
 *
 * @attr server - The server's URL, when no `client` is given and no `<p2p-provider>` is around.
 * @prop {P2PClient} client - The SDK client to use (share one between elements).
 * @prop {StringOverrides} strings - Replacement texts (i18n).
 * @attr locale - The language of the texts and the locale of times and numbers (default: the `lang` of the
 *   element or its nearest ancestor; texts in English when there is no translation).
 * @attr theme - `dark` or `light` forces that palette; unset follows `prefers-color-scheme`.
 * @attr relay-only - Privacy mode: connections go through the server's TURN relay only, so peers never
 *   learn your address, and no avatar picture is loaded from another host.
 * @attr connection-policy - Who may connect without asking: `anyone`, `contacts` (people you wrote to or
 *   accepted; the default) or `ask`. Others appear as conversation requests to accept or decline.
 * @attr notifications - Offer desktop notifications (a button asks for permission, on a click): a
 *   message that arrives while the page is hidden shows one.
 * @attr title-badge - While the page is hidden, the document title starts with the unread count, "(3) …".
 *
 * @fires {P2PLogoutEvent} p2p-logout - The user logged out.
 * @fires {P2PLoginEvent} p2p-login - (from the inner `<p2p-login>`) the user logged in.
 *
 * @csspart frame - The outer box.
 * @csspart header - Who you are, your status, connection state and actions.
 * @csspart connection - The connection state.
 * @csspart requests - Conversation requests waiting for an answer.
 * @csspart request - Each request, with its accept and decline buttons.
 * @csspart path - The state of the open conversation's connection (reconnecting, waiting to be accepted).
 * @csspart user-list - The side list: search, conversations (latest first, offline contacts too) and
 *   the other people online.
 * @csspart search - The search field and its results.
 * @csspart search-result - Each message found.
 * @csspart user - Each person's button (a conversation or someone online).
 * @csspart preview - The last message of a conversation, under the name.
 * @csspart notifications-button - The button that turns desktop notifications on.
 * @csspart avatar - Every avatar.
 * @csspart badge - The unread count.
 * @csspart conversation - The open conversation.
 * @csspart messages - The message list (see `p2p-message-list` for its own parts).
 * @csspart typing - The typing indicator.
 * @csspart composer - The message box.
 * @csspart profile-form - The edit-profile form.
 * @csspart login - The `<p2p-login>` shown when logged out.
 *
 * @cssprop --p2p-color-bg - Background.
 * @cssprop --p2p-color-surface - Header, other people's messages, the selected user.
 * @cssprop --p2p-color-text - Text.
 * @cssprop --p2p-color-muted - Secondary text.
 * @cssprop --p2p-color-border - Borders.
 * @cssprop --p2p-color-accent - Buttons, badges, avatars.
 * @cssprop --p2p-color-on-accent - Text on the accent color.
 * @cssprop --p2p-color-own-message - Your messages.
 * @cssprop --p2p-color-error - Errors.
 * @cssprop --p2p-color-focus - The focus ring.
 * @cssprop --p2p-radius - Corner radius.
 * @cssprop --p2p-space - The spacing unit.
 * @cssprop --p2p-font - The font family.
 * @cssprop --p2p-height - The element's height (default 36rem).
 */
export class P2PChatElement extends LitElement {
  /** The shared design tokens and this element's own styles. */
  static override styles = [tokens, chatStyles];

  @property() server: string | undefined;
  @property({ attribute: false }) client: P2PClient | undefined;
  @property({ attribute: false }) strings: StringOverrides | undefined;
  @property() locale: string | undefined;
  /** `dark` or `light` forces that palette; unset follows the system's `prefers-color-scheme`. */
  @property({ reflect: true }) theme: 'light' | 'dark' | undefined;
  /** Relay-only (privacy) mode for the element's own client; see the `relay-only` attribute. */
  @property({ type: Boolean, attribute: 'relay-only' }) relayOnly = false;
  /** Who may connect without asking; see the `connection-policy` attribute. */
  @property({ attribute: 'connection-policy' }) connectionPolicy: ConnectionPolicy | undefined;
  /** Offer desktop notifications; see the `notifications` attribute. */
  @property({ type: Boolean }) notifications = false;
  /** Unread count in the document title while the page is hidden; see the `title-badge` attribute. */
  @property({ type: Boolean, attribute: 'title-badge' }) titleBadge = false;

  @state() private phase: 'loading' | 'logged-out' | 'ready' = 'loading';
  @state() private me: PrivateUser | null = null;
  @state() private users: OnlineUser[] = [];
  @state() private connection: SignalingState = 'disconnected';
  @state() private active: string | null = null;
  @state() private conversations = new Map<string, ConversationView>();
  @state() private editing = false;
  @state() private profileError = '';
  @state() private requests: ConversationRequest[] = [];
  @state() private paths = new Map<string, ConversationState>();
  @state() private announcement = '';
  @state() private summaries: ConversationSummary[] = [];
  @state() private composing: Composing | null = null;
  @state() private query = '';
  @state() private results: StoredMessage[] | null = null;
  @state() private permission: string = notificationPermission();
  @state() private trust = new Map<string, 'verified' | 'changed' | 'unverified'>();
  // The safety panel of the open conversation, and conversations whose key change the user waved through.
  @state() private safety: ConnectionSafety[] | 'loading' | Error | null = null;
  @state() private sentAnyway = new Set<string>();
  @query('p2p-composer') private composer: P2PComposerElement | undefined;

  private readonly clients = new ClientController(this, (client) => this.subscribe(client));
  private readonly connectionInfo = new ConnectionController(this);
  // Views that load on first use (files, the connection panel), kept out of the element's first load.
  private readonly transferViews = new LazyView(this, () => import('./transfers.js'));
  private readonly connectionViews = new LazyView(this, () => import('./connection.js'));
  private readonly files = new TransfersController(this, {
    strings: () => this.t,
    locale: () => this.i18n.tag,
    nameOf: (id) => this.nameOf(id),
    announce: (text) => (this.announcement = text),
  });

  // The texts in use, in the element's language, with `strings` merged in.
  private readonly i18n = new LocaleController(this, () => this);
  private get t(): Strings {
    return this.i18n.strings;
  }

  override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('strings') || changed.has('locale')) this.i18n.refresh();
    const client = this.clients.client;
    if (client && this.connectionPolicy && client.connectionPolicy !== this.connectionPolicy)
      client.connectionPolicy = this.connectionPolicy;
  }

  /** @internal The options of the client this element makes for itself (from `server`). */
  ownClientOptions = (): Omit<ClientOptions, 'server'> => ({
    relayOnly: this.relayOnly,
    reach: { policy: this.connectionPolicy ?? 'contacts' },
  });

  // Pictures come from other hosts, which would learn the reader's address: none in relay-only mode.
  private get pictures(): boolean {
    return !(this.relayOnly || this.clients.client?.relayOnly);
  }

  // Texts of the messages shown, by id: what a reply quotes.
  private readonly texts = new Map<string, string>();

  private subscribe(client: P2PClient): () => void {
    const offs = [
      client.on('auth', (user) => void this.onAuth(client, user)),
      client.on('presence', (users) => (this.users = users)),
      client.on('connection', (s) => (this.connection = s)),
      client.on('message', (m) => this.onMessage(m)),
      client.on('typing', ({ userId, typing }) => this.patch(userId, (c) => ({ ...c, typing }))),
      client.on('requests', (list) => (this.requests = list)),
      client.on('request', (r) => {
        this.announcement = format(this.t.wantsToChat, { name: this.nameOf(r.userId, r.username) });
      }),
      client.on('conversation:state', ({ userId, state }) => {
        const next = new Map(this.paths);
        next.set(userId, state);
        this.paths = next;
      }),
      client.on('status', (s) => this.onStatus(s)),
      client.on('changed', (m) => {
        this.upsert(m);
        this.refreshSummaries(client);
      }),
      this.files.attach(client),
      client.on('key-change', ({ userId }) => {
        this.setTrust(userId, 'changed');
        const next = new Set(this.sentAnyway);
        next.delete(userId);
        this.sentAnyway = next;
        this.announcement = format(this.t.keyChanged, { name: this.nameOf(userId) });
      }),
      client.on('trust', ({ userId, trust }) => this.setTrust(userId, trust)),
      client.on('presence:offline', (userId) => {
        if (this.conversations.has(userId))
          this.system(userId, format(this.t.peerOffline, { name: this.nameOf(userId) }));
      }),
    ];
    this.me = client.user;
    this.users = client.users;
    this.connection = client.connectionState;
    this.requests = client.requests;
    if (this.connectionPolicy) client.connectionPolicy = this.connectionPolicy;
    void this.start(client);
    document.addEventListener('visibilitychange', this.onVisibility);
    return () => {
      offs.forEach((off) => off());
      document.removeEventListener('visibilitychange', this.onVisibility);
      this.showTitleBadge(0);
    };
  }

  private async start(client: P2PClient): Promise<void> {
    const user = client.user ?? (await client.restore().catch(() => null));
    await this.onAuth(client, user);
  }

  private async onAuth(client: P2PClient, user: PrivateUser | null): Promise<void> {
    this.me = user;
    if (!user) {
      this.phase = 'logged-out';
      this.active = null;
      this.conversations = new Map();
      return;
    }
    this.phase = 'ready';
    void this.loadConversations(client);
    if (client.connectionState === 'disconnected') {
      await client.connect().catch((err: unknown) => {
        this.flash(err);
        // A server that is restarting (or briefly unreachable) is tried again while we stay logged in.
        const code = (err as { code?: string } | null)?.code;
        if (code === 'UNAVAILABLE' || code === 'NETWORK')
          setTimeout(() => {
            if (client.user && client.connectionState === 'disconnected')
              void this.onAuth(client, client.user);
          }, 1000);
      });
    }
  }

  override render() {
    const t = this.t;
    if (this.phase === 'loading') return html`<p role="status">${t.loading}</p>`;
    if (this.phase === 'logged-out') {
      return html`<p2p-login
        part="login"
        .client=${this.clients.client}
        .strings=${this.strings}
        locale=${this.i18n.tag ?? nothing}
        dir=${this.i18n.dir === 'rtl' ? 'rtl' : nothing}
      ></p2p-login>`;
    }
    const others = this.users.filter((u) => u.id !== this.me?.id);
    return html`<div class="frame" part="frame" dir=${this.i18n.dir === 'rtl' ? 'rtl' : nothing}>
      ${this.header()}
      <div class=${`body ${this.active ? 'in-conversation' : ''}`}>
        <nav part="user-list" aria-label=${t.conversations}>
          ${this.requestList()} ${this.searchBox()}
          ${
            this.summaries.length > 0
              ? html`<h2 id="conversations-heading">${t.conversations}</h2>
                  <ul aria-labelledby="conversations-heading">
                    ${this.summaries.map((c) => this.conversationItem(c))}
                  </ul>`
              : nothing
          }
          <h2 id="online-heading">${t.onlineUsers}</h2>
          ${
            others.length === 0
              ? html`<p class="empty">${t.noUsers}</p>`
              : html`<ul aria-labelledby="online-heading">
                  ${others
                    .filter((u) => !this.summaries.some((c) => c.peerId === u.id))
                    .map((u) => this.userItem(u))}
                </ul>`
          }
        </nav>
        ${this.conversationView()}
      </div>
      <div class="visually-hidden" role="status">${this.announcement}</div>
    </div>`;
  }

  private requestList() {
    const t = this.t;
    if (this.requests.length === 0) return nothing;
    return html`<section part="requests" class="requests" aria-labelledby="requests-heading">
      <h2 id="requests-heading">${t.requestsHeading}</h2>
      <ul>
        ${this.requests.map((r) => {
          const name = this.nameOf(r.userId, r.username);
          return html`<li part="request">
            <span dir="auto">${format(t.wantsToChat, { name })}</span>
            <span class="actions">
              <button
                type="button"
                class="primary"
                aria-label=${`${t.accept}: ${name}`}
                @click=${() => this.answer(r.userId, true)}
              >
                ${t.accept}
              </button>
              <button
                type="button"
                aria-label=${`${t.decline}: ${name}`}
                @click=${() => this.answer(r.userId, false)}
              >
                ${t.decline}
              </button>
            </span>
          </li>`;
        })}
      </ul>
    </section>`;
  }

  private answer(userId: string, accept: boolean): void {
    const client = this.clients.client;
    if (!client) return;
    if (accept) {
      client.accept(userId);
      this.open(userId);
    } else {
      client.decline(userId);
    }
  }

  private pathText(userId: string, name: string): string {
    const state = this.paths.get(userId);
    if (state === 'requested') return format(this.t.waitingForAccept, { name });
    if (state === 'reconnecting') return this.t.pathReconnecting;
    return '';
  }

  private header() {
    const t = this.t;
    const me = this.me;
    if (!me) return nothing;
    // A div, not <header>: inside an element it would count as the page's banner landmark.
    return html`<div class="header" part="header">
      <div class="who">
        ${avatar(me.displayName, me.avatarUrl, this.pictures)}
        <div>
          <div class="name" dir="auto">${me.displayName}</div>
          <div class="status" dir="auto">${me.status}</div>
        </div>
      </div>
      <span class="connection" part="connection" role="status"
        >${t[this.connection]}${
          this.relayOnly || this.clients.client?.relayOnly
            ? html`<span class="visually-hidden">. ${t.relayOnlyOn}</span>`
            : nothing
        }</span
      >
      <button
        type="button"
        aria-expanded=${this.editing ? 'true' : 'false'}
        @click=${() => this.toggleEditing()}
      >
        ${t.editProfile}
      </button>
      ${
        this.notifications && this.permission === 'default'
          ? html`<button
              type="button"
              part="notifications-button"
              @click=${() => void this.askNotifications()}
            >
              ${t.enableNotifications}
            </button>`
          : nothing
      }
      <button type="button" @click=${() => void this.logout()}>${t.logout}</button>
      ${this.editing ? this.profileForm(me) : nothing}
    </div>`;
  }

  private profileForm(me: PrivateUser) {
    const t = this.t;
    return html`<form class="profile" part="profile-form" @submit=${this.saveProfile}>
      <label
        >${t.displayName.replace(/\s*\(.*\)$/, '')}<input
          name="displayName"
          dir="auto"
          .value=${me.displayName}
          maxlength="64"
      /></label>
      <label
        >${t.status}<input name="status" dir="auto" .value=${me.status} maxlength="80"
      /></label>
      <label>${t.bio}<input name="bio" dir="auto" .value=${me.bio} maxlength="500" /></label>
      <label>${t.avatarUrl}<input name="avatarUrl" type="url" .value=${me.avatarUrl} /></label>
      <p class="error" role="alert">${this.profileError}</p>
      <div class="actions">
        <button class="primary" type="submit">${t.save}</button>
        <button type="button" @click=${() => this.toggleEditing()}>${t.cancel}</button>
      </div>
    </form>`;
  }

  private userItem(u: OnlineUser) {
    return this.personItem(
      u.id,
      u.displayName,
      u.avatarUrl,
      html`<span class="status" dir="auto">${u.status}</span>`,
    );
  }

  // A conversation in the list: online or not, with its last message.
  private conversationItem(c: ConversationSummary) {
    const t = this.t;
    const online = this.users.find((u) => u.id === c.peerId);
    const name = online?.displayName ?? this.nameOf(c.peerId, c.peerName || '…');
    const last = c.last;
    const text = last.deleted ? t.deletedMessage : last.body;
    const preview = `${last.direction === 'out' ? `${t.you}: ` : ''}${text.slice(0, PREVIEW_LENGTH)}`;
    return this.personItem(
      c.peerId,
      name,
      online?.avatarUrl ?? '',
      html`<span class="status preview" part="preview" dir="auto">${preview}</span>${
          online ? nothing : html`<span class="status offline">${t.offline}</span>`
        }`,
    );
  }

  private personItem(id: string, name: string, avatarUrl: string, detail: unknown) {
    const t = this.t;
    const unread = this.conversations.get(id)?.unread ?? 0;
    return html`<li>
      <button
        type="button"
        class="user"
        part="user"
        aria-current=${this.active === id ? 'true' : 'false'}
        title=${format(t.startChat, { name })}
        @click=${() => this.open(id)}
      >
        ${avatar(name, avatarUrl, this.pictures)}
        <span class="text"><span class="name" dir="auto">${name}</span>${detail}</span>
        ${
          unread
            ? html`<span class="badge" part="badge"
                ><span aria-hidden="true">${unread}</span
                ><span class="visually-hidden">${format(t.unread, { count: unread })}</span></span
              >`
            : nothing
        }
      </button>
    </li>`;
  }

  private conversationView() {
    const t = this.t;
    const id = this.active;
    if (!id)
      return html`<section part="conversation" class="empty"><p>${t.chooseSomeone}</p></section>`;
    const name = this.nameOf(id);
    const view = this.conversations.get(id) ?? { messages: [], unread: 0, typing: false };
    return html`<section
      part="conversation"
      aria-label=${format(t.messagesWith, { name })}
      @dragover=${(e: DragEvent) => {
        if (e.dataTransfer?.types.includes('Files')) e.preventDefault(); // a drop target for files
      }}
      @drop=${(e: DragEvent) => this.onDrop(id, e)}
    >
      <div class="conv-head">
        <button type="button" class="back" @click=${() => this.close()}>${t.back}</button>
        <h2 dir="auto">${name}</h2>
        <button
          type="button"
          class="safety-toggle"
          aria-expanded=${this.safety ? 'true' : 'false'}
          @click=${() => void this.toggleSafety(id)}
        >
          ${t.safetyNumber}
        </button>
        <button
          type="button"
          class="connection-toggle"
          aria-expanded=${this.connectionInfo.peerId === id ? 'true' : 'false'}
          @click=${() => this.connectionInfo.toggle(this.clients.client, id)}
        >
          ${t.showConnection}
        </button>
      </div>
      ${
        this.safety
          ? safetyPanel(this.safety, this.trustOf(id), name, t, this.safetyActions(id))
          : nothing
      }
      ${
        this.connectionInfo.peerId === id
          ? (this.connectionViews
              .get()
              ?.connectionPanel(this.connectionInfo.view, name, t, this.i18n.tag) ?? nothing)
          : nothing
      }
      <p class="path" part="path" role="status">${this.pathText(id, name)}</p>
      <p2p-message-list
        part="messages"
        theme=${this.theme ?? nothing}
        .messages=${view.messages}
        .label=${format(t.messagesWith, { name })}
        .strings=${{
          sending: t.sending,
          delivered: t.delivered,
          notDelivered: t.notDelivered,
          read: t.read,
          edited: t.edited,
          olderMessages: t.olderMessages,
          actions: t.actions,
          reply: t.reply,
          react: t.react,
          reactWith: t.reactWith,
          edit: t.edit,
          delete: t.delete,
          deleteConfirm: t.deleteConfirm,
          keep: t.keep,
        }}
        .actions=${true}
        @p2p-message-action=${(e: P2PMessageActionEvent) => void this.act(id, e.detail)}
        ?hasOlder=${typeof view.older === 'string'}
        @p2p-load-older=${() => void this.loadOlder(id)}
        .locale=${this.i18n.tag}
      ></p2p-message-list>
      ${
        this.files.of(id).length > 0
          ? (this.transferViews
              .get()
              ?.transferList(this.files.of(id), t, this.files, this.i18n.tag) ?? nothing)
          : nothing
      }
      ${
        this.trustOf(id) === 'changed' && !this.sentAnyway.has(id)
          ? keyChangedWarning(name, t, this.safetyActions(id))
          : nothing
      }
      <div class="typing" part="typing">${view.typing ? format(t.typing, { name }) : ''}</div>
      <p2p-composer
        part="composer"
        theme=${this.theme ?? nothing}
        .label=${format(t.messageTo, { name })}
        .placeholder=${t.messagePlaceholder}
        .sendLabel=${t.send}
        .saveLabel=${t.save}
        .attachLabel=${t.attachFile}
        @p2p-files=${(e: P2PFilesEvent) => this.sendFiles(id, e.detail.files)}
        .context=${this.composerContext(id, name)}
        @p2p-cancel-context=${() => (this.composing = null)}
        ?disabled=${
          this.connection === 'disconnected' ||
          (this.trustOf(id) === 'changed' && !this.sentAnyway.has(id))
        }
        @p2p-send=${(e: P2PSendEvent) => void this.send(id, e.detail.body)}
        @p2p-typing=${(e: P2PTypingEvent) => this.clients.client?.conversation(id).typing(e.detail.typing)}
      ></p2p-composer>
    </section>`;
  }

  private nameOf(userId: string, fallback = '…'): string {
    return (
      this.users.find((u) => u.id === userId)?.displayName ??
      this.knownNames.get(userId) ??
      fallback
    );
  }

  private readonly knownNames = new Map<string, string>();

  private open(userId: string): void {
    if (this.active !== userId) {
      this.composing = null;
      this.safety = null;
      this.connectionInfo.hide();
    }
    this.active = userId;
    const name = this.users.find((u) => u.id === userId)?.displayName;
    if (name) this.knownNames.set(userId, name);
    this.patch(userId, (c) => ({ ...c, unread: 0 }));
    void this.loadOlder(userId, true);
    void this.clients.client
      ?.conversation(userId)
      .markRead()
      .catch(() => undefined);
    void this.updateComplete.then(() => this.composer?.focus());
  }

  private async loadConversations(client: P2PClient): Promise<void> {
    const list = await client.conversationList().catch(() => []);
    this.summaries = list;
    for (const c of list) {
      if (c.peerName) this.knownNames.set(c.peerId, c.peerName);
      this.patch(c.peerId, (v) => ({ ...v, unread: c.unread }));
    }
  }

  // The first page of history when a conversation opens, or the next older page when the reader asks.
  private async loadOlder(userId: string, first = false): Promise<void> {
    const client = this.clients.client;
    const view = this.conversations.get(userId);
    if (
      !client ||
      (first && view?.older !== undefined) ||
      (!first && typeof view?.older !== 'string')
    )
      return;
    const page = await client
      .conversation(userId)
      .history({ before: first ? null : (view?.older ?? null), limit: 50 })
      .catch(() => null);
    if (!page) return;
    const older = [...page.messages].reverse();
    for (const m of older) this.keepText(m.id, m.deleted ? '' : m.body);
    this.patch(userId, (c) => {
      const shown = new Set(c.messages.map((m) => m.id));
      const add = older.filter((m) => !shown.has(m.id)).map((m) => this.toUi(m));
      return { ...c, older: page.next, messages: [...add, ...c.messages] };
    });
  }

  private toUi(m: StoredMessage): UiMessage {
    const reactions = Object.entries(m.reactions ?? {})
      .map(([emoji, who]) => `${emoji} ${who.length}`)
      .join(' · ');
    const quote = m.replyTo ? this.texts.get(m.replyTo) : undefined;
    return {
      id: m.id,
      kind: m.direction === 'out' ? 'own' : 'theirs',
      body: m.deleted ? this.t.deletedMessage : m.body,
      at: m.sentAt,
      ...(m.direction === 'in' ? { author: m.fromName } : { state: UI_STATE[m.status] }),
      ...(m.editedAt && !m.deleted ? { edited: true } : {}),
      ...(m.deleted ? { deleted: true } : {}),
      ...(quote ? { quote } : {}),
      ...(reactions ? { reactions } : {}),
    };
  }

  // A message added or changed in the store: shown in place, or, when it is new, in the order of its time
  // (one your other device had can be older than what is shown).
  private upsert(m: StoredMessage): void {
    this.keepText(m.id, m.deleted ? '' : m.body);
    const ui = this.toUi(m);
    this.patch(m.peerId, (c) => {
      const at = c.messages.findIndex((x) => x.id === m.id);
      if (at < 0) {
        const later = c.messages.findIndex((x) => x.kind !== 'system' && x.at > ui.at);
        const messages = [...c.messages];
        messages.splice(later < 0 ? messages.length : later, 0, ui);
        return { ...c, messages: messages.slice(-MAX_KEPT_MESSAGES) };
      }
      const messages = [...c.messages];
      messages[at] = ui;
      return { ...c, messages };
    });
  }

  private keepText(id: string, text: string): void {
    this.texts.delete(id);
    this.texts.set(id, text);
    if (this.texts.size > MAX_KEPT_TEXTS)
      this.texts.delete(this.texts.keys().next().value as string);
  }

  // The conversation list follows the history: refreshed once for changes that come together.
  private summariesDue: ReturnType<typeof setTimeout> | undefined;
  private refreshSummaries(client: P2PClient): void {
    clearTimeout(this.summariesDue);
    this.summariesDue = setTimeout(() => {
      void client
        .conversationList()
        .then((list) => {
          this.summaries = list;
          // the store's unread counts hold what came without a `message` event (a catch-up)
          for (const c of list)
            if (c.peerId !== this.active) this.patch(c.peerId, (v) => ({ ...v, unread: c.unread }));
        })
        .catch(() => undefined);
    }, 50);
  }

  private composerContext(peerId: string, name: string): ComposerContext | null {
    const c = this.composing;
    if (!c || c.peerId !== peerId) return null;
    const t = this.t;
    if (c.kind === 'edit')
      return {
        kind: 'edit',
        id: c.id,
        label: t.editingMessage,
        cancelLabel: t.cancelEdit,
        body: this.texts.get(c.id) ?? '',
      };
    const m = this.conversations.get(peerId)?.messages.find((x) => x.id === c.id);
    const who = m?.kind === 'own' ? t.you : name;
    const text = (this.texts.get(c.id) ?? '').slice(0, PREVIEW_LENGTH);
    return {
      kind: 'reply',
      id: c.id,
      label: format(t.replyingTo, { name: who, text }),
      cancelLabel: t.cancelReply,
    };
  }

  // A message's button: reply and edit go through the composer; reactions and deletions happen now.
  private async act(peerId: string, a: MessageAction): Promise<void> {
    const conversation = this.clients.client?.conversation(peerId);
    if (!conversation) return;
    try {
      if (a.action === 'reply' || a.action === 'edit') {
        this.composing = { peerId, kind: a.action, id: a.id };
        await this.updateComplete;
        this.composer?.focus();
      } else if (a.action === 'react' && a.emoji) await conversation.react(a.id, a.emoji);
      else if (a.action === 'delete') {
        await conversation.delete(a.id);
        if (this.composing?.id === a.id) this.composing = null;
        this.composer?.focus();
      }
    } catch (err) {
      this.system(peerId, errorText(this.t, err));
    }
  }

  private searchBox() {
    const t = this.t;
    const results = this.results;
    return html`<div class="search" part="search">
      <label
        >${t.searchMessages}<input
          type="search"
          dir="auto"
          .value=${this.query}
          @input=${(e: InputEvent) => this.search((e.target as HTMLInputElement).value)}
      /></label>
      <p class="visually-hidden" role="status">
        ${results === null ? '' : results.length === 0 ? t.noResults : format(t.searchResults, { count: results.length })}
      </p>
      ${
        results && results.length > 0
          ? html`<ul>
              ${results.map(
                (m) =>
                  html`<li>
                    <button
                      type="button"
                      class="result"
                      part="search-result"
                      @click=${() => this.open(m.peerId)}
                    >
                      <span class="name" dir="auto"
                        >${this.nameOf(m.peerId, m.fromName || '…')}</span
                      >
                      <span class="status" dir="auto">${m.body.slice(0, PREVIEW_LENGTH)}</span>
                    </button>
                  </li>`,
              )}
            </ul>`
          : nothing
      }
    </div>`;
  }

  private searchDue: ReturnType<typeof setTimeout> | undefined;
  private search(text: string): void {
    this.query = text;
    clearTimeout(this.searchDue);
    const client = this.clients.client;
    if (!client || !text.trim()) {
      this.results = null;
      return;
    }
    this.searchDue = setTimeout(() => {
      void client
        .search(text.trim(), 20)
        .then((found) => {
          if (this.query === text) this.results = found;
        })
        .catch(() => undefined);
    }, 150);
  }

  private async askNotifications(): Promise<void> {
    // Asked on a click only, as browsers require.
    this.permission = await Notification.requestPermission().catch(() => 'denied');
  }

  private notify(m: ChatMessage): void {
    if (
      !this.notifications ||
      this.permission !== 'granted' ||
      document.visibilityState !== 'hidden'
    )
      return;
    const name = m.from.displayName || m.from.username;
    const n = new Notification(format(this.t.newMessageFrom, { name }), {
      body: m.body.slice(0, NOTIFICATION_LENGTH),
      tag: `p2pchat-${m.peerId}`,
    });
    n.onclick = () => {
      window.focus();
      this.open(m.peerId);
      n.close();
    };
  }

  // The title shows the unread count while the page is hidden.
  private baseTitle: string | null = null;
  private readonly onVisibility = () => {
    if (document.visibilityState === 'visible') {
      this.showTitleBadge(0);
      // back on the page: what the open conversation got meanwhile is read now
      const active = this.active;
      if (active) {
        this.patch(active, (c) => ({ ...c, unread: 0 }));
        void this.clients.client
          ?.conversation(active)
          .markRead()
          .catch(() => undefined);
      }
    } else this.showTitleBadge(this.totalUnread());
  };

  private totalUnread(): number {
    let n = 0;
    for (const c of this.conversations.values()) n += c.unread;
    return n;
  }

  private showTitleBadge(count: number): void {
    if (!this.titleBadge && this.baseTitle === null) return;
    if (this.baseTitle === null) this.baseTitle = document.title;
    document.title = count > 0 ? `(${count}) ${this.baseTitle}` : this.baseTitle;
    if (count === 0) this.baseTitle = null;
  }

  private close(): void {
    const was = this.active;
    this.active = null;
    void this.updateComplete.then(() =>
      this.renderRoot.querySelector<HTMLElement>(`.user[aria-current='true'], nav button`)?.focus(),
    );
    if (was) this.patch(was, (c) => ({ ...c, unread: 0 }));
  }

  private patch(userId: string, change: (c: ConversationView) => ConversationView): void {
    const next = new Map(this.conversations);
    const current = next.get(userId) ?? { messages: [], unread: 0, typing: false };
    next.set(userId, change(current));
    this.conversations = next;
  }

  // A new line at the end; one already shown (the history page that was loading can hold a message that
  // arrives meanwhile) stays where it is, shown once.
  private push(userId: string, message: UiMessage, countUnread: boolean): void {
    this.patch(userId, (c) => {
      const typing = message.kind === 'theirs' ? false : c.typing;
      if (c.messages.some((m) => m.id === message.id)) return { ...c, typing };
      return {
        ...c,
        typing,
        messages: [...c.messages, message].slice(-MAX_KEPT_MESSAGES),
        unread: countUnread ? c.unread + 1 : c.unread,
      };
    });
  }

  private system(userId: string, body: string): void {
    this.push(userId, { id: `sys-${randomId()}`, kind: 'system', body, at: Date.now() }, false);
  }

  private onMessage(m: ChatMessage): void {
    this.knownNames.set(m.peerId, m.from.displayName || m.from.username);
    const unseen = this.active !== m.peerId || document.visibilityState === 'hidden';
    this.keepText(m.id, m.body);
    const quote = m.replyTo ? this.texts.get(m.replyTo) : undefined;
    this.push(
      m.peerId,
      {
        id: m.id,
        kind: 'theirs',
        body: m.body,
        at: m.sentAt,
        author: m.from.displayName,
        ...(quote ? { quote } : {}),
      },
      unseen,
    );
    if (!unseen)
      void this.clients.client
        ?.conversation(m.peerId)
        .markRead()
        .catch(() => undefined);
    this.notify(m);
    if (document.visibilityState === 'hidden') this.showTitleBadge(this.totalUnread());
  }

  private async send(userId: string, body: string): Promise<void> {
    const client = this.clients.client;
    if (!client) return;
    try {
      // The message shows up through the store's `changed` event, then its status events.
      const c = this.composing?.peerId === userId ? this.composing : null;
      this.composing = null;
      if (c?.kind === 'edit') await client.conversation(userId).edit(c.id, body);
      else await client.conversation(userId).send(body, c ? { replyTo: c.id } : {});
    } catch (err) {
      this.system(userId, errorText(this.t, err));
    }
  }

  private trustOf(userId: string): 'verified' | 'changed' | 'unverified' {
    return (
      this.trust.get(userId) ?? this.clients.client?.conversation(userId).trust ?? 'unverified'
    );
  }

  private setTrust(userId: string, trust: 'verified' | 'changed' | 'unverified'): void {
    const next = new Map(this.trust);
    next.set(userId, trust);
    this.trust = next;
  }

  private async toggleSafety(userId: string): Promise<void> {
    if (this.safety) {
      this.safety = null;
      return;
    }
    this.safety = 'loading';
    try {
      const numbers = await this.clients.client?.conversation(userId).safetyNumbers();
      if (this.safety === 'loading') this.safety = numbers ?? [];
    } catch (err) {
      if (this.safety === 'loading') this.safety = new Error(errorText(this.t, err));
    }
  }

  private safetyActions(userId: string) {
    return {
      toggle: () => void this.toggleSafety(userId),
      verify: () =>
        void this.clients.client
          ?.conversation(userId)
          .verify()
          .then(() => this.setTrust(userId, 'verified'))
          .catch((err: unknown) => (this.safety = new Error(errorText(this.t, err)))),
      sendAnyway: () => {
        this.sentAnyway = new Set(this.sentAnyway).add(userId);
        void this.updateComplete.then(() => this.composer?.focus());
      },
    };
  }

  private sendFiles(userId: string, files: File[]): void {
    const client = this.clients.client;
    if (client) void this.files.send(client, userId, files);
  }

  private onDrop(userId: string, e: DragEvent): void {
    const files = [...(e.dataTransfer?.files ?? [])];
    if (files.length === 0) return;
    e.preventDefault();
    this.sendFiles(userId, files);
  }

  private onStatus(s: MessageStatus): void {
    const state = UI_STATE[s.status];
    this.patch(s.peerId, (c) => ({
      ...c,
      messages: c.messages.map((m) => (m.id === s.id && m.kind === 'own' ? { ...m, state } : m)),
    }));
  }

  private toggleEditing(): void {
    this.editing = !this.editing;
    this.profileError = '';
  }

  private async saveProfile(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const client = this.clients.client;
    if (!client) return;
    const data = new FormData(e.target as HTMLFormElement);
    const text = (k: string) => String(data.get(k) ?? '').trim();
    try {
      this.me = await client.updateProfile({
        displayName: text('displayName'),
        status: text('status'),
        bio: text('bio'),
        avatarUrl: text('avatarUrl'),
      });
      this.editing = false;
    } catch (err) {
      this.profileError = errorText(this.t, err);
    }
  }

  private async logout(): Promise<void> {
    await this.clients.client?.logout().catch(() => undefined);
    this.editing = false;
    emit(this, 'p2p-logout', {});
  }

  private flash(err: unknown): void {
    if (this.active) this.system(this.active, errorText(this.t, err));
  }
}

function notificationPermission(): string {
  return typeof Notification === 'function' ? Notification.permission : 'unsupported';
}
