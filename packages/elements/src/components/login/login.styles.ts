import { css } from 'lit';

export const loginStyles = css`
  :host {
    display: block;
    max-width: 28rem;
  }
  .card {
    background: var(--_bg);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    padding: calc(var(--_space) * 2);
  }
  [role='tablist'] {
    display: flex;
    gap: var(--_space);
    margin-bottom: calc(var(--_space) * 2);
  }
  [role='tab'] {
    flex: 1;
  }
  [role='tab'][aria-selected='true'] {
    background: var(--_accent);
    color: var(--_on-accent);
    border-color: var(--_accent);
  }
  form {
    display: grid;
    gap: calc(var(--_space) * 1.5);
  }
  .field {
    display: grid;
    gap: calc(var(--_space) / 2);
  }
  .field > label {
    font-weight: 600;
  }
  label.check {
    display: flex;
    align-items: center;
    gap: var(--_space);
    font-weight: normal;
  }
  label.check input {
    width: auto;
  }
  .hint,
  .field-error {
    font-weight: normal;
    font-size: 0.875em;
    color: var(--_muted);
  }
  .field-error,
  .error {
    color: var(--_error);
  }
  .error {
    margin: 0;
  }
  input[aria-invalid='true'] {
    border-color: var(--_error);
  }
`;
