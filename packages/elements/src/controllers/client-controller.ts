import { ContextConsumer } from '@lit/context';
import { createClient } from '@p2pchat/sdk';
import type { ClientOptions, P2PClient } from '@p2pchat/sdk';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { clientContext } from '../context.js';

type Host = ReactiveControllerHost &
  HTMLElement & {
    client?: P2PClient | undefined;
    server?: string | undefined;
    /** Options for the element's own client (a change makes a new one). */
    ownClientOptions?: () => Omit<ClientOptions, 'server'>;
  };

/**
 * Finds the element's client: the `client` property, else one shared by a `<p2p-provider>` around it,
 * else its own, made from the `server` attribute. Calls `onClient` when that changes, and `release`
 * before, so the element can subscribe to the client in one place.
 */
export class ClientController implements ReactiveController {
  private readonly consumer: ContextConsumer<typeof clientContext, Host>;
  private own: P2PClient | undefined;
  private ownKey: string | undefined;
  private current: P2PClient | undefined;

  constructor(
    private readonly host: Host,
    private readonly onClient: (client: P2PClient) => () => void,
  ) {
    host.addController(this);
    this.consumer = new ContextConsumer(host, {
      context: clientContext,
      subscribe: true,
      callback: () => {
        if (this.host.isConnected) this.refresh();
      },
    });
  }

  private release: (() => void) | undefined;

  /** The client in use, if any. */
  get client(): P2PClient | undefined {
    return this.current;
  }

  hostConnected(): void {
    this.refresh();
  }

  hostUpdated(): void {
    // An update that was due when the element left the page must not take a client up again (it would
    // reconnect it, and leave the user online with nobody looking).
    if (this.host.isConnected) this.refresh();
  }

  hostDisconnected(): void {
    this.release?.();
    this.release = undefined;
    this.current = undefined;
    // The element's own client goes with it (its socket, peer connections and timers), unless the element
    // is back on the page by the next turn: moved in the DOM, or a framework's remove-and-add (React Strict
    // Mode's mount, unmount, mount).
    if (this.own) {
      const own = this.own;
      setTimeout(() => {
        if (this.host.isConnected || this.own !== own) return;
        own.disconnect();
        this.own = undefined;
        this.ownKey = undefined;
      }, 0);
    }
  }

  private refresh(): void {
    const next = this.host.client ?? this.consumer.value ?? this.ownClient();
    if (next === this.current) return;
    this.release?.();
    this.current = next;
    this.release = next ? this.onClient(next) : undefined;
    this.host.requestUpdate();
  }

  private ownClient(): P2PClient | undefined {
    const server = this.host.server;
    if (!server) return undefined;
    const options = this.host.ownClientOptions?.() ?? {};
    const key = JSON.stringify([server, options]);
    if (!this.own || this.ownKey !== key) {
      this.own?.disconnect();
      this.own = createClient({ server, ...options });
      this.ownKey = key;
    }
    return this.own;
  }
}
