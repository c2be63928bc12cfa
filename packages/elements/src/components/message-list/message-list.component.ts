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
  state?: 'sending' | 'delivered' | 'failed';
}

/** Texts the list needs. */
export interface MessageListStrings {
  sending: string;
  delivered: string;
  notDelivered: string;
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

  override render() {
    const time = new Intl.DateTimeFormat(this.locale, { hour: '2-digit', minute: '2-digit' });
    return html`<div role="log" aria-live="polite" aria-label=${this.label}>
      <ol part="list">
        ${repeat(
          this.messages,
          (m) => m.id,
          (m) =>
            html`<li class=${m.kind} part=${`message message-${m.kind}`}>
              ${m.kind === 'theirs' && m.author ? html`<span class="author" dir="auto">${m.author}</span>` : nothing}
              <span class="body" dir="auto">${m.body}</span>
              ${
                m.kind === 'system'
                  ? nothing
                  : html`<span class="meta" part="meta"
                      ><time datetime=${new Date(m.at).toISOString()}>${time.format(m.at)}</time
                      >${m.kind === 'own' ? this.delivery(m) : nothing}</span
                    >`
              }
            </li>`,
        )}
      </ol>
    </div>`;
  }

  override updated(changed: Map<string, unknown>): void {
    // Keep the newest message in view.
    if (changed.has('messages')) this.scrollTop = this.scrollHeight;
  }

  private delivery(m: UiMessage) {
    const s = this.strings;
    const text =
      m.state === 'delivered' ? s.delivered : m.state === 'failed' ? s.notDelivered : s.sending;
    return html` · <span class=${m.state === 'failed' ? 'failed' : ''}>${text}</span>`;
  }
}
