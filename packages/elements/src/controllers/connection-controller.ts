import type { ConnectionInfo, P2PClient } from '@p2pchat/sdk';
import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** How often an open connection panel reads the stats again, ms. */
export const CONNECTION_REFRESH_MS = 2000;

/** What the connection panel shows: nothing yet, the paths, or why they could not be read. */
export type ConnectionView = 'loading' | ConnectionInfo[] | Error;

/**
 * The connection panel of <p2p-chat>: while it is open for a conversation, reads what each connection to
 * the peer goes over (`conversation.connections()`) now and every two seconds, and stops when it is closed,
 * when the conversation changes or when the element leaves the page.
 */
export class ConnectionController implements ReactiveController {
  /** The peer whose connections are shown, or null while the panel is closed. */
  peerId: string | null = null;
  view: ConnectionView = 'loading';
  private timer: ReturnType<typeof setInterval> | undefined;
  private client: P2PClient | undefined;

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  hostDisconnected(): void {
    this.hide();
  }

  /** Opens the panel for `peerId`, or closes it if it is open for them. */
  toggle(client: P2PClient | undefined, peerId: string): void {
    if (this.peerId === peerId) return this.hide();
    this.show(client, peerId);
  }

  show(client: P2PClient | undefined, peerId: string): void {
    this.hide();
    this.client = client;
    this.peerId = peerId;
    this.view = 'loading';
    this.host.requestUpdate();
    void this.refresh();
    this.timer = setInterval(() => void this.refresh(), CONNECTION_REFRESH_MS);
  }

  hide(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    if (this.peerId === null) return;
    this.peerId = null;
    this.client = undefined;
    this.host.requestUpdate();
  }

  private async refresh(): Promise<void> {
    const peerId = this.peerId;
    if (!peerId || !this.client) return;
    let view: ConnectionView;
    try {
      view = await this.client.conversation(peerId).connections();
    } catch (err) {
      view = err instanceof Error ? err : new Error(String(err));
    }
    if (this.peerId !== peerId) return; // closed or moved on meanwhile
    this.view = view;
    this.host.requestUpdate();
  }
}
