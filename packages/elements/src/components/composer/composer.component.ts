import { css, html, LitElement, nothing } from 'lit';
import { property, query } from 'lit/decorators.js';
import { tokens } from '../../styles/tokens.js';

/** Fired with the text to send. */
export type P2PSendEvent = CustomEvent<{ body: string }>;
/** `p2p-files`: files the user attached, dropped or pasted. */
export type P2PFilesEvent = CustomEvent<{ files: File[] }>;
/** Fired when typing starts or stops. */
export type P2PTypingEvent = CustomEvent<{ typing: boolean }>;

/** What the next send does besides sending: answer a message, or replace the text of one. */
export interface ComposerContext {
  kind: 'reply' | 'edit';
  /** The message answered or edited. */
  id: string;
  /** What is shown above the box, e.g. "Replying to Bob: how are you?". */
  label: string;
  /** The accessible name of the button that drops the context. */
  cancelLabel: string;
  /** For `edit`: the text to start from. */
  body?: string;
}

const TYPING_IDLE_MS = 3000;

/**
 * The message box: Enter sends, Shift+Enter starts a new line (and Enter while an IME is composing does
 * not send). Tells the peer it is typing, and stops after three idle seconds.
 *
 * @tag p2p-composer
 * @fires {P2PSendEvent} p2p-send - The user sent `detail.body`.
 * @fires {P2PTypingEvent} p2p-typing - The user started or stopped typing.
 * @fires {P2PFilesEvent} p2p-files - The user attached or pasted files (`detail.files`), when `attach-label` is set.
 * @fires {CustomEvent} p2p-cancel-context - The user dropped the reply or edit (its button, or Escape).
 * @csspart context - The reply or edit under way, above the text area.
 * @csspart input - The text area.
 * @csspart send-button - The send button.
 * @csspart attach-button - The attach button (with `attach-label`).
 */
export class P2PComposerElement extends LitElement {
  /** The shared design tokens and this element's own styles. */
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
      .context {
        display: flex;
        gap: var(--_space);
        align-items: center;
        justify-content: space-between;
        font-size: 0.875em;
        color: var(--_muted);
        border-inline-start: 3px solid var(--_accent);
        padding-inline-start: var(--_space);
        margin-bottom: calc(var(--_space) / 2);
      }
      .context span {
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      button.attach {
        align-self: stretch;
        display: inline-flex;
        align-items: center;
        justify-content: center;
        padding-inline: calc(var(--_space) * 0.75);
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
  /** A reply or edit under way (the send button then says `saveLabel` for an edit). */
  @property({ attribute: false }) context: ComposerContext | null = null;
  @property({ attribute: 'save-label' }) saveLabel = 'Save';
  /** With a label, an attach button (and pasting files) offers files: `p2p-files` events. */
  @property({ attribute: 'attach-label' }) attachLabel = '';

  @query('textarea') private textarea!: HTMLTextAreaElement;
  @query('input[type="file"]') private fileInput: HTMLInputElement | undefined;
  private typing = false;
  private idle: ReturnType<typeof setTimeout> | undefined;

  override render() {
    const context = this.context;
    return html`${
        context
          ? html`<div class="context" part="context">
              <span dir="auto">${context.label}</span>
              <button type="button" @click=${() => this.cancelContext()}>
                ${context.cancelLabel}
              </button>
            </div>`
          : nothing
      }
      <form @submit=${this.onSubmit}>
        ${
          this.attachLabel
            ? html`<button
                  type="button"
                  class="attach"
                  part="attach-button"
                  ?disabled=${this.disabled}
                  @click=${() => this.fileInput?.click()}
                >
                  <svg aria-hidden="true" viewBox="0 0 24 24" width="20" height="20">
                    <path
                      fill="none"
                      stroke="currentColor"
                      stroke-width="2"
                      stroke-linecap="round"
                      d="M16 7l-7.5 7.5a2.1 2.1 0 003 3L19 10a4.2 4.2 0 00-6-6l-7.5 7.5a6.4 6.4 0 009 9L20 15"
                    /></svg
                  ><span class="visually-hidden">${this.attachLabel}</span>
                </button>
                <input type="file" multiple hidden @change=${this.onPick} />`
            : nothing
        }
        <textarea
          part="input"
          rows="1"
          dir="auto"
          aria-label=${this.label}
          placeholder=${this.placeholder}
          ?disabled=${this.disabled}
          @keydown=${this.onKey}
          @input=${this.onInput}
          @paste=${this.onPaste}
          @blur=${() => this.setTyping(false)}
        ></textarea>
        <button class="primary" part="send-button" type="submit" ?disabled=${this.disabled}>
          ${context?.kind === 'edit' ? this.saveLabel : this.sendLabel}
        </button>
      </form>`;
  }

  override updated(changed: Map<string, unknown>): void {
    // An edit starts from the message's text (once, not at every render of the owner).
    const before = changed.get('context') as ComposerContext | null | undefined;
    const context = this.context;
    if (
      changed.has('context') &&
      context?.kind === 'edit' &&
      (before?.kind !== 'edit' || before.id !== context.id) &&
      this.textarea
    ) {
      this.textarea.value = context.body ?? '';
      this.textarea.setSelectionRange(this.textarea.value.length, this.textarea.value.length);
    }
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
    if (e.key === 'Escape' && this.context) {
      e.preventDefault();
      this.cancelContext();
      return;
    }
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      this.send();
    }
  }

  private onPick(e: Event): void {
    const input = e.target as HTMLInputElement;
    this.offerFiles([...(input.files ?? [])]);
    input.value = ''; // the same file can be picked again
  }

  // Pasted files (a screenshot, a file copied in the file manager) are offered; pasted text stays text.
  private onPaste(e: ClipboardEvent): void {
    const files = [...(e.clipboardData?.files ?? [])];
    if (!this.attachLabel || files.length === 0) return;
    e.preventDefault();
    this.offerFiles(files);
  }

  private offerFiles(files: File[]): void {
    if (files.length === 0 || this.disabled) return;
    this.dispatchEvent(
      new CustomEvent('p2p-files', { detail: { files }, bubbles: true, composed: true }),
    );
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

  private cancelContext(): void {
    if (this.context?.kind === 'edit') this.textarea.value = '';
    this.dispatchEvent(new CustomEvent('p2p-cancel-context', { bubbles: true, composed: true }));
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
