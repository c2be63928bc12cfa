import { css } from 'lit';

// The dark palette, used under prefers-color-scheme: dark and with theme="dark".
const darkTokens = css`
  --_bg: var(--p2p-color-bg, #111827);
  --_surface: var(--p2p-color-surface, #1f2937);
  --_text: var(--p2p-color-text, #f9fafb);
  --_muted: var(--p2p-color-muted, #d1d5db);
  --_border: var(--p2p-color-border, #4b5563);
  --_accent: var(--p2p-color-accent, #93c5fd);
  --_on-accent: var(--p2p-color-on-accent, #111827);
  --_own: var(--p2p-color-own-message, #1e3a8a);
  --_error: var(--p2p-color-error, #fca5a5);
  --_focus: var(--p2p-color-focus, #93c5fd);
`;

/**
 * The public theme: `--p2p-*` custom properties, mapped to private `--_*` ones with light defaults, and dark
 * defaults under `prefers-color-scheme: dark` (or `theme="dark"`; `theme="light"` keeps the light ones).
 * Set any `--p2p-*` property on the element or an ancestor.
 */
export const tokens = css`
  :host {
    --_bg: var(--p2p-color-bg, #ffffff);
    --_surface: var(--p2p-color-surface, #f3f4f6);
    --_text: var(--p2p-color-text, #111827);
    --_muted: var(--p2p-color-muted, #4b5563);
    --_border: var(--p2p-color-border, #d1d5db);
    --_accent: var(--p2p-color-accent, #1d4ed8);
    --_on-accent: var(--p2p-color-on-accent, #ffffff);
    --_own: var(--p2p-color-own-message, #dbeafe);
    --_error: var(--p2p-color-error, #b91c1c);
    --_focus: var(--p2p-color-focus, #2563eb);
    --_radius: var(--p2p-radius, 10px);
    --_space: var(--p2p-space, 8px);
    --_font: var(--p2p-font, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
    color-scheme: light dark;
    font-family: var(--_font);
    color: var(--_text);
  }
  @media (prefers-color-scheme: dark) {
    :host(:not([theme='light'])) {
      ${darkTokens}
    }
  }
  :host([theme='dark']) {
    ${darkTokens}
  }
  :host([hidden]) {
    display: none;
  }
  *,
  *::before,
  *::after {
    box-sizing: border-box;
  }
  :focus-visible {
    outline: 2px solid var(--_focus);
    outline-offset: 2px;
  }
  button {
    font: inherit;
    cursor: pointer;
    border-radius: var(--_radius);
    border: 1px solid var(--_border);
    background: var(--_surface);
    color: var(--_text);
    padding: calc(var(--_space) * 0.75) calc(var(--_space) * 1.5);
  }
  button.primary {
    background: var(--_accent);
    color: var(--_on-accent);
    border-color: var(--_accent);
  }
  button:disabled {
    opacity: 0.6;
    cursor: not-allowed;
  }
  input,
  textarea {
    font: inherit;
    color: var(--_text);
    background: var(--_bg);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    padding: calc(var(--_space) * 0.75);
    width: 100%;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
`;
