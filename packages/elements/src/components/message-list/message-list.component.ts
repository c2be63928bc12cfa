import { css, html, LitElement, nothing } from 'lit';
import { property } from 'lit/decorators.js';
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

/** Texts the list needs. */
export interface MessageListStrings {
  sending: string;
  delivered: string;
  notDelivered: string;
  read?: string;
  edited?: string;
  olderMessages?: string;
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
 * @fires {CustomEvent} p2p-load-older - The reader scrolled to the top (or pressed the button) and
 *   `hasOlder` is set: the owner appends older messages at the start.
 */
export class P2PMessageListElement extends LitElement {
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
          (m) =>
            html`<li
              class=${`${m.kind}${m.deleted ? ' deleted' : ''}`}
              part=${`message message-${m.kind}`}
            >
              ${m.kind === 'theirs' && m.author ? html`<span class="author" dir="auto">${m.author}</span>` : nothing}
              ${m.quote ? html`<span class="quote" part="quote" dir="auto">${m.quote}</span>` : nothing}
              <span class="body" dir="auto">${m.body}</span>
              ${m.reactions ? html`<span class="reactions" part="reactions">${m.reactions}</span>` : nothing}
              ${
                m.kind === 'system'
                  ? nothing
                  : html`<span class="meta" part="meta"
                      ><time datetime=${new Date(m.at).toISOString()}>${time.format(m.at)}</time
                      >${m.edited ? html` · ${this.strings.edited ?? 'edited'}` : nothing}${
                        m.kind === 'own' ? this.delivery(m) : nothing
                      }</span
                    >`
              }
            </li>`,
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
