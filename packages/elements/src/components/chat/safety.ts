import type { ConnectionSafety } from '@p2pchat/sdk';
import { html, nothing } from 'lit';
import type { Strings } from '../../i18n.js';
import { format } from '../../i18n.js';

/** What the safety panel and the key-change warning do when a button is pressed. */
export interface SafetyActions {
  toggle(): void;
  verify(): void;
  sendAnyway(): void;
}

/** The conversation's safety numbers, one per connection (device) of the peer, and the verify button. */
export function safetyPanel(
  numbers: ConnectionSafety[] | 'loading' | Error,
  trust: 'verified' | 'changed' | 'unverified',
  name: string,
  t: Strings,
  actions: SafetyActions,
) {
  return html`<div class="safety" part="safety" role="group" aria-label=${t.safetyNumber}>
    <p>${format(t.safetyNumberHelp, { name })}</p>
    ${
      numbers === 'loading'
        ? html`<p>${t.loading}</p>`
        : numbers instanceof Error
          ? html`<p class="error">${numbers.message}</p>`
          : html`<ol class="numbers">
              ${numbers.map(
                (n, i) =>
                  html`<li>
                    ${numbers.length > 1 ? html`<span>${format(t.safetyDevice, { n: i + 1 })}</span>` : nothing}
                    <strong class="short">${n.short}</strong>
                    <code class="digits">${n.digits}</code>
                    ${n.mismatch ? html`<span class="error">${t.safetyMismatch}</span>` : nothing}
                  </li>`,
              )}
            </ol>`
    }
    ${
      trust === 'verified'
        ? html`<p class="verified">${t.verifiedBadge}</p>`
        : Array.isArray(numbers)
          ? html`<button type="button" class="primary" @click=${() => actions.verify()}>
              ${t.markVerified}
            </button>`
          : nothing
    }
  </div>`;
}

/** Shown above the composer while a verified contact uses a certificate that was not verified. */
export function keyChangedWarning(name: string, t: Strings, actions: SafetyActions) {
  return html`<div class="key-changed" part="key-changed" role="status">
    <p>${format(t.keyChanged, { name })}</p>
    <button type="button" class="primary" @click=${() => actions.toggle()}>
      ${t.showSafetyNumber}
    </button>
    <button type="button" @click=${() => actions.sendAnyway()}>${t.sendAnyway}</button>
  </div>`;
}
