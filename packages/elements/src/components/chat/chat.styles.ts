import { css } from 'lit';

export const chatStyles = css`
  :host {
    display: block;
    container-type: inline-size;
    height: var(--p2p-height, 36rem);
    min-width: 0;
  }
  .frame {
    display: grid;
    grid-template-rows: auto 1fr;
    height: 100%;
    background: var(--_bg);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    overflow: hidden;
  }
  .header {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: var(--_space);
    padding: var(--_space);
    border-bottom: 1px solid var(--_border);
    background: var(--_surface);
  }
  .header .who {
    display: flex;
    align-items: center;
    gap: var(--_space);
    flex: 1;
    min-width: 0;
  }
  .header .who > div {
    min-width: 0;
  }
  .name {
    font-weight: 600;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .status,
  .connection {
    color: var(--_muted);
    font-size: 0.875em;
  }
  .body {
    display: grid;
    grid-template-columns: minmax(12rem, 16rem) 1fr;
    min-height: 0;
  }
  nav {
    border-inline-end: 1px solid var(--_border);
    overflow-y: auto;
    padding: var(--_space);
  }
  h2 {
    font-size: 0.875em;
    text-transform: uppercase;
    letter-spacing: 0.05em;
    color: var(--_muted);
    margin: var(--_space) 0;
  }
  ul {
    list-style: none;
    margin: 0;
    padding: 0;
    display: grid;
    gap: calc(var(--_space) / 2);
  }
  .user {
    display: flex;
    align-items: center;
    gap: var(--_space);
    width: 100%;
    text-align: start;
    border-color: transparent;
    background: none;
  }
  .user[aria-current='true'] {
    background: var(--_surface);
    border-color: var(--_border);
  }
  .user .text {
    display: grid;
    min-width: 0;
    flex: 1;
  }
  .badge {
    background: var(--_accent);
    color: var(--_on-accent);
    border-radius: 999px;
    padding: 0 calc(var(--_space) * 0.75);
    font-size: 0.75em;
    font-weight: 700;
  }
  .avatar {
    flex: none;
    width: 2.25rem;
    height: 2.25rem;
    border-radius: 50%;
    overflow: hidden;
    display: grid;
    place-items: center;
    background: var(--_accent);
    color: var(--_on-accent);
    font-weight: 700;
  }
  .avatar img {
    width: 100%;
    height: 100%;
    object-fit: cover;
  }
  section {
    display: grid;
    grid-template-rows: auto 1fr auto auto;
    min-height: 0;
    min-width: 0;
  }
  .conv-head {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: var(--_space);
    padding: var(--_space);
    border-bottom: 1px solid var(--_border);
  }
  .conv-head h2 {
    flex: 1 1 6rem;
    min-width: 0;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
    margin: 0;
    color: var(--_text);
    text-transform: none;
    letter-spacing: normal;
    font-size: 1em;
  }
  .back {
    display: none;
  }
  .requests li {
    display: grid;
    gap: calc(var(--_space) / 2);
    padding: calc(var(--_space) / 2) 0;
    border-bottom: 1px solid var(--_border);
  }
  .requests .actions {
    display: flex;
    gap: calc(var(--_space) / 2);
  }
  .path {
    margin: 0;
    padding: 0 var(--_space);
    color: var(--_muted);
    font-size: 0.875em;
  }
  .path:empty {
    display: none;
  }
  .typing {
    min-height: 1.5em;
    padding: 0 var(--_space);
    color: var(--_muted);
    font-size: 0.875em;
    font-style: italic;
  }
  p2p-composer {
    padding: var(--_space);
    border-top: 1px solid var(--_border);
  }
  .empty {
    display: grid;
    place-items: center;
    color: var(--_muted);
    padding: calc(var(--_space) * 2);
    text-align: center;
  }
  form.profile {
    flex-basis: 100%;
    display: grid;
    gap: var(--_space);
    grid-template-columns: repeat(auto-fit, minmax(12rem, 1fr));
  }
  form.profile label {
    display: grid;
    gap: calc(var(--_space) / 2);
    font-size: 0.875em;
  }
  .error {
    color: var(--_error);
  }
  .actions {
    display: flex;
    gap: var(--_space);
    align-items: end;
  }
  .conv-head .safety-toggle {
    margin-inline-start: auto;
  }
  .safety,
  .connection-panel,
  .key-changed {
    margin: var(--_space);
    padding: var(--_space);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
  }
  .key-changed {
    border-color: var(--_error);
  }
  .safety p,
  .connection-panel p,
  .key-changed p {
    margin: 0 0 var(--_space);
  }
  .connection-panel dl {
    display: grid;
    grid-template-columns: max-content 1fr;
    gap: calc(var(--_space) / 2) var(--_space);
    margin: 0;
  }
  .connection-panel dt {
    font-weight: 600;
  }
  .connection-panel dd {
    margin: 0;
  }
  .connection-panel ol {
    margin: 0;
    padding-inline-start: 1.25em;
    display: grid;
    gap: var(--_space);
  }
  .safety .numbers {
    list-style: none;
    margin: 0 0 var(--_space);
    padding: 0;
    display: grid;
    gap: var(--_space);
  }
  .safety .short {
    display: block;
    font-size: 1.25em;
    letter-spacing: 0.05em;
  }
  .safety .digits {
    display: block;
    font-family: ui-monospace, monospace;
    word-spacing: 0.25em;
  }
  .transfers {
    list-style: none;
    margin: 0;
    padding: 0 var(--_space);
    display: grid;
    gap: calc(var(--_space) / 2);
    max-height: 40%;
    overflow-y: auto;
  }
  .transfer {
    display: flex;
    flex-wrap: wrap;
    gap: calc(var(--_space) / 2) var(--_space);
    align-items: center;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    padding: calc(var(--_space) / 2) var(--_space);
  }
  .transfer .file-name {
    flex: 1 1 8rem;
    min-width: 0;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
    font-weight: 600;
  }
  .transfer .file-size,
  .transfer .file-state {
    color: var(--_muted);
    font-size: 0.875em;
  }
  .transfer progress {
    flex: 1 1 100%;
    accent-color: var(--_accent);
  }
  .transfer .file-preview {
    display: block;
    flex-basis: 100%;
    max-width: 100%;
    max-height: 12rem;
    object-fit: contain;
    border-radius: var(--_radius);
  }
  /* Narrow (phones, 320px and up): the list or the conversation, one at a time. */
  @container (max-width: 600px) {
    .body {
      grid-template-columns: 1fr;
    }
    .body.in-conversation nav {
      display: none;
    }
    .body:not(.in-conversation) section {
      display: none;
    }
    nav {
      border-inline-end: none;
    }
    .back {
      display: inline-block;
    }
    .header .who {
      flex-basis: 100%;
    }
  }
`;
