import { ContextProvider } from '@lit/context';
import { createClient } from '@p2pchat/sdk';
import type { P2PClient } from '@p2pchat/sdk';
import { html, LitElement } from 'lit';
import { property } from 'lit/decorators.js';
import { clientContext } from './context.js';

/**
 * Shares one SDK client with every `@p2pchat` element inside it, so they log in, connect and count presence
 * once: `<p2p-provider server="https://…"><p2p-chat></p2p-chat></p2p-provider>`.
 *
 * @tag p2p-provider
 * @attr server - The server's URL; a client is made from it unless `client` is set.
 * @prop {P2PClient} client - A client to share instead.
 * @slot - The elements that share the client.
 */
export class P2PProviderElement extends LitElement {
  @property() server: string | undefined;
  @property({ attribute: false }) client: P2PClient | undefined;

  private readonly provider = new ContextProvider(this, { context: clientContext });
  private own: { server: string; client: P2PClient } | undefined;

  override willUpdate(): void {
    let client = this.client;
    if (!client && this.server) {
      if (this.own?.server !== this.server)
        this.own = { server: this.server, client: createClient({ server: this.server }) };
      client = this.own.client;
    }
    this.provider.setValue(client);
  }

  override render() {
    return html`<slot></slot>`;
  }
}

if (!customElements.get('p2p-provider')) customElements.define('p2p-provider', P2PProviderElement);

declare global {
  interface HTMLElementTagNameMap {
    'p2p-provider': P2PProviderElement;
  }
}
