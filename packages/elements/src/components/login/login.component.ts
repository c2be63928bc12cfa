import type { P2PClient, PrivateUser } from '@p2pchat/sdk';
import { html, LitElement, nothing } from 'lit';
import type { PropertyValues } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { ClientController } from '../../controllers/client-controller.js';
import { emit } from '../../events.js';
import { errorText } from '../../i18n.js';
import { LocaleController } from '../../controllers/locale-controller.js';
import type { StringOverrides, Strings } from '../../i18n.js';
import { tokens } from '../../styles/tokens.js';
import { loginStyles } from './login.styles.js';

/** The tab `<p2p-login>` shows. */
export type LoginMode = 'login' | 'register';
type Field = 'identifier' | 'username' | 'email' | 'password' | 'displayName';

// The protocol's own rules (docs/protocol.md), checked before asking the server.
const USERNAME = /^[A-Za-z0-9_]+(?:[.-][A-Za-z0-9_]+)*$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Log in or register, in two tabs (as the original app had).
 *
 * @tag p2p-login
 * @summary Log-in and registration form for a `@p2pchat` server.
 *
 * @attr server - The server's URL, when no `client` is given and no `<p2p-provider>` is around.
 * @prop {P2PClient} client - The SDK client to use.
 * @prop {StringOverrides} strings - Replacement texts (i18n).
 * @attr locale - The language of the texts (default: the `lang` of the element or its nearest ancestor).
 * @attr mode - `login` (default) or `register`: the tab shown.
 *
 * @fires {P2PLoginEvent} p2p-login - Logged in; `detail.user` is the account.
 * @fires {P2PRegisterEvent} p2p-register - Registered (and logged in); `detail.user` is the account.
 *
 * @csspart card - The box around everything.
 * @csspart tab - Each tab button.
 * @csspart form - The form.
 * @csspart field - Each field: its label, input, hint and error.
 * @csspart input - Each input.
 * @csspart error - The error message from the server.
 * @csspart submit - The submit button.
 *
 * @cssprop --p2p-color-bg - Background.
 * @cssprop --p2p-color-text - Text.
 * @cssprop --p2p-color-accent - Buttons and the selected tab.
 * @cssprop --p2p-color-error - Error messages.
 * @cssprop --p2p-radius - Corner radius.
 */
export class P2PLoginElement extends LitElement {
  /** The shared design tokens and this element's own styles. */
  static override styles = [tokens, loginStyles];
  static override shadowRootOptions = { ...LitElement.shadowRootOptions, delegatesFocus: true };

  @property() server: string | undefined;
  @property({ attribute: false }) client: P2PClient | undefined;
  @property({ attribute: false }) strings: StringOverrides | undefined;
  /** The language of the texts (default: the `lang` of the element or its nearest ancestor). */
  @property() locale: string | undefined;
  @property({ reflect: true }) mode: LoginMode = 'login';
  /** `dark` or `light` forces that palette; unset follows the system's `prefers-color-scheme`. */
  @property({ reflect: true }) theme: 'light' | 'dark' | undefined;

  @state() private busy = false;
  @state() private error = '';
  @state() private fieldErrors: Partial<Record<Field, string>> = {};
  @query('form') private form!: HTMLFormElement;

  private readonly clients = new ClientController(this, () => () => undefined);

  // The texts in use, in the element's language, with `strings` merged in.
  private readonly i18n = new LocaleController(this, () => this);
  private get t(): Strings {
    return this.i18n.strings;
  }

  override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('strings') || changed.has('locale')) this.i18n.refresh();
  }

  override render() {
    const t = this.t;
    const register = this.mode === 'register';
    return html`<div class="card" part="card">
      <div role="tablist" aria-label=${t.authTabs} @keydown=${this.onTabKey}>
        ${this.tab('login', t.loginTab)} ${this.tab('register', t.registerTab)}
      </div>
      <div id="panel" role="tabpanel" aria-labelledby=${`tab-${this.mode}`}>
        <form part="form" novalidate @submit=${this.onSubmit}>
          ${
            register
              ? html`${this.field('username', t.username, 'text', 'username', t.usernameRule)}
                ${this.field('email', t.email, 'email', 'email')}
                ${this.field('displayName', t.displayName, 'text', 'nickname')}
                ${this.field('password', t.password, 'password', 'new-password', t.passwordRule)}`
              : html`${this.field('identifier', t.emailOrUsername, 'text', 'username')}
                  ${this.field('password', t.password, 'password', 'current-password')}
                  <label class="check" part="field"
                    ><input type="checkbox" name="remember" /> ${t.remember}</label
                  >`
          }
          <p class="error" part="error" role="alert">${this.error}</p>
          <button class="primary" part="submit" type="submit" ?disabled=${this.busy}>
            ${this.busy ? t.working : register ? t.submitRegister : t.submitLogin}
          </button>
        </form>
      </div>
    </div>`;
  }

  private tab(mode: LoginMode, label: string) {
    const selected = this.mode === mode;
    return html`<button
      part="tab"
      role="tab"
      type="button"
      id=${`tab-${mode}`}
      aria-selected=${selected ? 'true' : 'false'}
      aria-controls="panel"
      tabindex=${selected ? 0 : -1}
      @click=${() => this.select(mode)}
    >
      ${label}
    </button>`;
  }

  private field(name: Field, label: string, type: string, autocomplete: string, hint?: string) {
    const error = this.fieldErrors[name];
    const describedBy = [hint ? `${name}-hint` : '', error ? `${name}-error` : '']
      .filter(Boolean)
      .join(' ');
    // The label names the field and nothing else; the hint and the error describe it (aria-describedby),
    // outside the label, so a screen reader says "Password, edit text" and then the rule.
    return html`<div class="field" part="field">
      <label for=${`${name}-input`}>${label}</label>
      <input
        part="input"
        id=${`${name}-input`}
        name=${name}
        type=${type}
        autocomplete=${autocomplete}
        ?required=${name !== 'displayName'}
        aria-invalid=${error ? 'true' : 'false'}
        aria-describedby=${describedBy || nothing}
        dir="auto"
      />
      ${hint ? html`<span class="hint" id=${`${name}-hint`}>${hint}</span>` : nothing}
      ${error ? html`<span class="field-error" id=${`${name}-error`}>${error}</span>` : nothing}
    </div>`;
  }

  private select(mode: LoginMode): void {
    this.mode = mode;
    this.error = '';
    this.fieldErrors = {};
    void this.updateComplete.then(() =>
      this.renderRoot.querySelector<HTMLElement>(`#tab-${mode}`)?.focus(),
    );
  }

  // Arrow keys, Home and End move between tabs (WAI-ARIA tabs pattern).
  private onTabKey(e: KeyboardEvent): void {
    const other: LoginMode = this.mode === 'login' ? 'register' : 'login';
    const next: LoginMode | undefined =
      e.key === 'ArrowRight' || e.key === 'ArrowLeft'
        ? other
        : e.key === 'Home'
          ? 'login'
          : e.key === 'End'
            ? 'register'
            : undefined;
    if (!next) return;
    e.preventDefault();
    this.select(next);
  }

  private validate(values: Record<string, string>): Partial<Record<Field, string>> {
    const t = this.t;
    const errors: Partial<Record<Field, string>> = {};
    if (this.mode === 'login') {
      if (!values.identifier?.trim()) errors.identifier = t.required;
    } else {
      const u = values.username?.trim() ?? '';
      if (u.length < 3 || u.length > 32 || !USERNAME.test(u)) errors.username = t.usernameRule;
      if (!EMAIL.test(values.email?.trim() ?? '')) errors.email = t.emailRule;
    }
    const p = values.password ?? '';
    if (this.mode === 'register' ? p.length < 8 || p.length > 128 : p.length === 0) {
      errors.password = this.mode === 'register' ? t.passwordRule : t.required;
    }
    return errors;
  }

  private async onSubmit(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const client = this.clients.client;
    const data = new FormData(this.form);
    const values = Object.fromEntries([...data.entries()].map(([k, v]) => [k, String(v)]));
    this.fieldErrors = this.validate(values);
    this.error = '';
    const firstInvalid = Object.keys(this.fieldErrors)[0];
    if (firstInvalid) {
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLInputElement>(`input[name="${firstInvalid}"]`)?.focus();
      return;
    }
    if (!client) {
      this.error = errorText(this.t, { code: 'NETWORK' });
      return;
    }
    this.busy = true;
    try {
      let user: PrivateUser;
      if (this.mode === 'register') {
        const displayName = values.displayName?.trim();
        user = await client.register({
          username: values.username?.trim() ?? '',
          email: values.email?.trim() ?? '',
          password: values.password ?? '',
          ...(displayName ? { displayName } : {}),
        });
        emit(this, 'p2p-register', { user });
      } else {
        const id = values.identifier?.trim() ?? '';
        const password = values.password ?? '';
        const remember = data.get('remember') === 'on';
        user = await client.login(
          id.includes('@')
            ? { email: id, password, remember }
            : { username: id, password, remember },
        );
        emit(this, 'p2p-login', { user });
      }
      this.form.reset();
    } catch (err) {
      this.error = errorText(this.t, err);
    } finally {
      this.busy = false;
    }
  }
}
