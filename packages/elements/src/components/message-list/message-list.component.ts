import { css, html, LitElement, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { tokens } from '../../styles/tokens.js';

/** One line in the message list. */
export interface UiMessage {
  id: string;
  kind: 'own' | 'theirs' | 'system';
  body: string;
  /** ms since the epoch. */
  at: number;
  /** Who wrote it (shown on theirs). */
  author?: string;
  /** Delivery of own messages. */
  state?: 'sending' | 'delivered' | 'read' | 'failed';
  /** Edited by its author. */
  edited?: boolean;
  /** Deleted by its author (the body is the "deleted" text). */
  deleted?: boolean;
  /** The text of the message this one replies to. */
  quote?: string;
  /** Reactions, as "👍 2 · 🎉 1". */
  reactions?: string;
}

/** What the reader asked to do with a message (see `p2p-message-action`). */
export interface MessageAction {
  action: 'reply' | 'react' | 'edit' | 'delete';
  id: string;
  /** The reaction, for `react` (given again, it is taken back). */
  emoji?: string;
}
/** Fired when the reader replies to, reacts to, edits or deletes a message. */
export type P2PMessageActionEvent = CustomEvent<MessageAction>;

/**
 * The time of a message, or nothing when `at` is not one a Date can hold (NaN, out of range): a peer's
 * message must render whatever it carries, and `toISOString` and `Intl` throw on those.
 */
function timeOf(at: number, format: Intl.DateTimeFormat) {
  const date = new Date(at);
  if (!Number.isFinite(date.getTime())) return nothing;
  return html`<time datetime=${date.toISOString()}>${format.format(date)}</time>`;
}

/** The reactions offered by default. */
export const DEFAULT_REACTIONS = ['👍', '❤️', '😂', '🎉', '😮', '😢'];

/** Texts the list needs. */
export interface MessageListStrings {
  sending: string;
  delivered: string;
  notDelivered: string;
  read?: string;
  edited?: string;
  olderMessages?: string;
  actions?: string;
  reply?: string;
  react?: string;
  reactWith?: string;
  edit?: string;
  delete?: string;
  deleteConfirm?: string;
  keep?: string;
}

/**
 * The messages of one conversation: a live region (`role="log"`) so screen readers announce new messages
 * politely. Every text is rendered as text, in its own direction (`dir="auto"`), so right-to-left messages
 * read correctly beside left-to-right ones.
 *
 * @tag p2p-message-list
 * @csspart list - The scrolling list.
 * @csspart message - Every message; also `message-own`, `message-theirs`, `message-system`.
 * @csspart meta - The time and delivery line.
 * @csspart quote - The quoted message a reply answers.
 * @csspart reactions - The reactions under a message.
 * @csspart older - The button that loads older messages.
 *
 * @csspart actions - The buttons of a message (reply, react, edit, delete), with `actions` set.
 * @csspart reaction-picker - The reactions to choose from.
 *
 * @fires {CustomEvent} p2p-load-older - The reader scrolled to the top (or pressed the button) and
 *   `hasOlder` is set: the owner appends older messages at the start.
 * @fires {P2PMessageActionEvent} p2p-message-action - With `actions` set: the reader chose to reply to,
 *   react to (`detail.emoji`), edit or delete (after confirming) the message `detail.id`.
 */
export class P2PMessageListElement extends LitElement {
  /** The shared design tokens and this element's own styles. */
  static override styles = [
    tokens,
    css`
      :host {
        display: block;
        overflow-y: auto;
        min-height: 0;
      }
      ol {
        list-style: none;
        margin: 0;
        padding: var(--_space);
        display: flex;
        flex-direction: column;
        gap: var(--_space);
      }
      li {
        max-width: 80%;
        padding: var(--_space) calc(var(--_space) * 1.5);
        border-radius: var(--_radius);
        background: var(--_surface);
        overflow-wrap: anywhere;
      }
      .body {
        white-space: pre-wrap;
      }
      li.own {
        align-self: flex-end;
        background: var(--_own);
      }
      li.system {
        align-self: center;
        background: none;
        color: var(--_muted);
        font-style: italic;
      }
      .meta {
        display: block;
        font-size: 0.75em;
        color: var(--_muted);
        margin-top: calc(var(--_space) / 2);
      }
      .author {
        display: block;
        font-weight: 600;
        font-size: 0.875em;
      }
      .failed {
        color: var(--_error);
      }
      .quote {
        display: block;
        border-inline-start: 3px solid var(--_border);
        padding-inline-start: var(--_space);
        color: var(--_muted);
        font-size: 0.875em;
        margin-bottom: calc(var(--_space) / 2);
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .deleted .body {
        font-style: italic;
        color: var(--_muted);
      }
      .reactions {
        display: block;
        font-size: 0.875em;
        margin-top: calc(var(--_space) / 2);
      }
      .older {
        align-self: center;
      }
      li {
        position: relative;
      }
      .actions {
        display: flex;
        flex-wrap: wrap;
        gap: calc(var(--_space) / 2);
        margin-top: calc(var(--_space) / 2);
        font-size: 0.8125em;
      }
      .actions button {
        padding: 0.125em 0.5em;
        min-height: 1.75em;
      }
      /* Shown on hover and whenever one of them has the keyboard focus; always where there is no hover. */
      @media (hover: hover) {
        li:not(:hover):not(:focus-within) .actions {
          opacity: 0;
        }
      }
    `,
  ];

  @property({ attribute: false }) messages: UiMessage[] = [];
  /** The accessible name of the log. */
  @property() label = 'Messages';
  @property({ attribute: false }) strings: MessageListStrings = {
    sending: 'Sending…',
    delivered: 'Delivered',
    notDelivered: 'Not delivered',
  };
  @property() locale: string | undefined;
  /** `dark` or `light` forces that palette; unset follows the system's `prefers-color-scheme`. */
  @property({ reflect: true }) theme: 'light' | 'dark' | undefined;
  /** There is older history to load (scrolling to the top asks for it). */
  @property({ type: Boolean }) hasOlder = false;
  /** Offer reply, react, edit and delete on each message (edit and delete on your own only). */
  @property({ type: Boolean }) actions = false;
  /** The reactions offered. */
  @property({ attribute: false }) reactionChoices: string[] = DEFAULT_REACTIONS;

  // The message whose reactions are being chosen, or whose deletion is being confirmed.
  @state() private picking: string | null = null;
  @state() private confirming: string | null = null;

  // Where the reader was before an update: at the bottom (follow new messages), or how far from the end.
  private atBottom = true;
  private fromEnd = 0;
  private firstId: string | undefined;

  override connectedCallback(): void {
    super.connectedCallback();
    this.addEventListener('scroll', this.onScroll, { passive: true });
  }

  override disconnectedCallback(): void {
    this.removeEventListener('scroll', this.onScroll);
    super.disconnectedCallback();
  }

  private readonly onScroll = () => {
    if (this.scrollTop === 0 && this.hasOlder) this.loadOlder();
  };

  private loadOlder(): void {
    this.dispatchEvent(new CustomEvent('p2p-load-older', { bubbles: true, composed: true }));
  }

  override willUpdate(): void {
    this.atBottom = this.scrollHeight - this.scrollTop - this.clientHeight < 24;
    this.fromEnd = this.scrollHeight - this.scrollTop;
  }

  override render() {
    const time = new Intl.DateTimeFormat(this.locale, { hour: '2-digit', minute: '2-digit' });
    let n = 0;
    return html`<div role="log" aria-live="polite" aria-label=${this.label}>
      <ol part="list">
        ${
          this.hasOlder
            ? html`<li class="older system" part="older">
                <button type="button" @click=${() => this.loadOlder()}>
                  ${this.strings.olderMessages ?? 'Older messages'}
                </button>
              </li>`
            : nothing
        }
        ${repeat(
          this.messages,
          (m) => m.id,
          (m) => {
            const bodyId = `body-${n++}`;
            return html`<li
              class=${`${m.kind}${m.deleted ? ' deleted' : ''}`}
              part=${`message message-${m.kind}`}
            >
              ${m.kind === 'theirs' && m.author ? html`<span class="author" dir="auto">${m.author}</span>` : nothing}
              ${m.quote ? html`<span class="quote" part="quote" dir="auto">${m.quote}</span>` : nothing}
              <span class="body" id=${bodyId} dir="auto">${m.body}</span>
              ${m.reactions ? html`<span class="reactions" part="reactions">${m.reactions}</span>` : nothing}
              ${
                m.kind === 'system'
                  ? nothing
                  : html`<span class="meta" part="meta"
                      >${timeOf(m.at, time)}${m.edited ? html` · ${this.strings.edited ?? 'edited'}` : nothing}${
                        m.kind === 'own' ? this.delivery(m) : nothing
                      }</span
                    >`
              }
              ${this.actionsOf(m, bodyId)}
            </li>`;
          },
        )}
      </ol>
    </div>`;
  }

  override updated(changed: Map<string, unknown>): void {
    if (!changed.has('messages')) return;
    const first = this.messages[0]?.id;
    const prepended = this.firstId !== undefined && first !== this.firstId;
    this.firstId = first;
    // Older messages came in at the top: the reader stays where they were. New ones at the bottom are
    // followed only by a reader who was at the bottom already.
    if (prepended && !this.atBottom) this.scrollTop = this.scrollHeight - this.fromEnd;
    else if (this.atBottom) this.scrollTop = this.scrollHeight;
  }

  // The buttons of one message; each is named by its action and described by the message's text.
  private actionsOf(m: UiMessage, bodyId: string) {
    if (!this.actions || m.kind === 'system' || m.deleted) return nothing;
    const s = this.strings;
    const button = (label: string, onClick: () => void, extra: { expanded?: boolean } = {}) =>
      html`<button
        type="button"
        aria-describedby=${bodyId}
        aria-expanded=${extra.expanded === undefined ? nothing : String(extra.expanded)}
        @click=${onClick}
      >
        ${label}
      </button>`;
    if (this.confirming === m.id)
      return html`<div
        class="actions"
        part="actions"
        role="group"
        aria-label=${s.actions ?? 'Message actions'}
      >
        <span id=${`${bodyId}-confirm`}
          >${s.deleteConfirm ?? 'Delete this message for everyone?'}</span
        >
        <button
          type="button"
          class="danger"
          aria-describedby=${`${bodyId}-confirm ${bodyId}`}
          @click=${() => {
            this.confirming = null;
            this.fire({ action: 'delete', id: m.id });
          }}
        >
          ${s.delete ?? 'Delete'}
        </button>
        <button type="button" class="keep" @click=${() => this.settle(m.id)}>
          ${s.keep ?? 'Keep'}
        </button>
      </div>`;
    return html`<div
      class="actions"
      part="actions"
      role="group"
      aria-label=${s.actions ?? 'Message actions'}
      @keydown=${(e: KeyboardEvent) => {
        if (e.key === 'Escape' && this.picking === m.id) this.settle(m.id);
      }}
    >
      ${button(s.reply ?? 'Reply', () => this.fire({ action: 'reply', id: m.id }))}
      ${button(s.react ?? 'React', () => (this.picking = this.picking === m.id ? null : m.id), {
        expanded: this.picking === m.id,
      })}
      ${
        this.picking === m.id
          ? html`<span class="picker" part="reaction-picker">
              ${this.reactionChoices.map(
                (emoji) =>
                  html`<button
                    type="button"
                    aria-label=${(s.reactWith ?? 'React with {emoji}').replace('{emoji}', emoji)}
                    aria-describedby=${bodyId}
                    @click=${() => {
                      this.picking = null;
                      this.fire({ action: 'react', id: m.id, emoji });
                    }}
                  >
                    ${emoji}
                  </button>`,
              )}
            </span>`
          : nothing
      }
      ${
        m.kind === 'own'
          ? html`${button(s.edit ?? 'Edit', () => this.fire({ action: 'edit', id: m.id }))}
            ${button(s.delete ?? 'Delete', () => {
              this.confirming = m.id;
              void this.updateComplete.then(() =>
                this.renderRoot.querySelector<HTMLElement>('.actions .keep')?.focus(),
              );
            })}`
          : nothing
      }
    </div>`;
  }

  // Closes the picker or the confirmation, and gives the focus back to the message's buttons.
  private settle(id: string): void {
    const index = this.messages.findIndex((x) => x.id === id);
    this.picking = null;
    this.confirming = null;
    void this.updateComplete.then(() => {
      const items = this.renderRoot.querySelectorAll('ol > li:not(.older)');
      items[index]?.querySelector<HTMLElement>('.actions button')?.focus();
    });
  }

  private fire(detail: MessageAction): void {
    this.dispatchEvent(
      new CustomEvent('p2p-message-action', { detail, bubbles: true, composed: true }),
    );
  }

  private delivery(m: UiMessage) {
    const s = this.strings;
    const text =
      m.state === 'delivered'
        ? s.delivered
        : m.state === 'read'
          ? (s.read ?? 'Seen')
          : m.state === 'failed'
            ? s.notDelivered
            : s.sending;
    return html` · <span class=${m.state === 'failed' ? 'failed' : ''}>${text}</span>`;
  }
}
