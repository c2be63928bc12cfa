import { css, html, LitElement } from 'lit';
import { property, query } from 'lit/decorators.js';
import { tokens } from '../../styles/tokens.js';

/** Fired with the text to send. */
export type P2PSendEvent = CustomEvent<{ body: string }>;
/** Fired when typing starts or stops. */
export type P2PTypingEvent = CustomEvent<{ typing: boolean }>;

const TYPING_IDLE_MS = 3000;

/**
 * The message box: Enter sends, Shift+Enter starts a new line (and Enter while an IME is composing does
 * not send). Tells the peer it is typing, and stops after three idle seconds.
 *
 * @tag p2p-composer
 * @fires {P2PSendEvent} p2p-send - The user sent `detail.body`.
 * @fires {P2PTypingEvent} p2p-typing - The user started or stopped typing.
 * @csspart input - The text area.
 * @csspart send-button - The send button.
 */
export class P2PComposerElement extends LitElement {
  static override styles = [
    tokens,
    css`
      :host {
        display: block;
      }
      form {
        display: flex;
        gap: var(--_space);
        align-items: flex-end;
      }
      textarea {
        resize: none;
        min-height: 2.75em;
        max-height: 10em;
        field-sizing: content;
      }
    `,
  ];
  static override shadowRootOptions = { ...LitElement.shadowRootOptions, delegatesFocus: true };

  /** The accessible name of the text area. */
  @property() label = 'Message';
  @property() placeholder = '';
  @property({ attribute: 'send-label' }) sendLabel = 'Send';
  @property({ type: Boolean, reflect: true }) disabled = false;
  /** `dark` or `light` forces that palette; unset follows the system's `prefers-color-scheme`. */
  @property({ reflect: true }) theme: 'light' | 'dark' | undefined;

  @query('textarea') private textarea!: HTMLTextAreaElement;
  private typing = false;
  private idle: ReturnType<typeof setTimeout> | undefined;

  override render() {
    return html`<form @submit=${this.onSubmit}>
      <textarea
        part="input"
        rows="1"
        dir="auto"
        aria-label=${this.label}
        placeholder=${this.placeholder}
        ?disabled=${this.disabled}
        @keydown=${this.onKey}
        @input=${this.onInput}
        @blur=${() => this.setTyping(false)}
      ></textarea>
      <button class="primary" part="send-button" type="submit" ?disabled=${this.disabled}>
        ${this.sendLabel}
      </button>
    </form>`;
  }

  /** Puts the focus in the text area. */
  override focus(): void {
    this.textarea?.focus();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.idle);
  }

  private onKey(e: KeyboardEvent): void {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      this.send();
    }
  }

  private onSubmit(e: SubmitEvent): void {
    e.preventDefault();
    this.send();
  }

  private onInput(): void {
    this.setTyping(this.textarea.value.trim().length > 0);
    clearTimeout(this.idle);
    this.idle = setTimeout(() => this.setTyping(false), TYPING_IDLE_MS);
  }

  private send(): void {
    const body = this.textarea.value;
    if (!body.trim() || this.disabled) return;
    this.dispatchEvent(
      new CustomEvent('p2p-send', { detail: { body }, bubbles: true, composed: true }),
    );
    this.textarea.value = '';
    this.setTyping(false);
    this.textarea.focus();
  }

  private setTyping(typing: boolean): void {
    if (typing === this.typing) return;
    this.typing = typing;
    this.dispatchEvent(
      new CustomEvent('p2p-typing', { detail: { typing }, bubbles: true, composed: true }),
    );
  }
}
