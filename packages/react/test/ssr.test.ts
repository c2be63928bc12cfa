// Server rendering, as Next.js, Remix or Vite SSR do it: plain Node, no DOM. Importing the package and
// rendering its components and hooks must neither throw nor touch a browser global, nor open a connection.
import { createElement } from 'react';
import { renderToString } from 'react-dom/server';
import { describe, expect, it } from 'vitest';

describe('@p2pchat/react on a server', () => {
  it('imports without a DOM and defines no browser globals', async () => {
    expect(typeof window).toBe('undefined');
    const mod = await import('../src/index.js');
    expect(typeof mod.P2PChat).toBe('object'); // a forwardRef component
    expect(typeof window).toBe('undefined');
    expect(typeof document).toBe('undefined');
    expect(typeof localStorage).toBe('undefined');
  });

  it('renders every component as its bare tag, as the browser renders it first (so hydration matches)', async () => {
    const { P2PChat, P2PLogin, P2PProvider, P2PComposer, P2PMessageList } =
      await import('../src/index.js');
    const html = renderToString(
      createElement(
        P2PProvider,
        { server: 'https://chat.example.test' },
        createElement(P2PChat, { locale: 'fr' }),
        createElement(P2PLogin, { mode: 'register' }),
        createElement(P2PComposer, { label: 'Message' }),
        createElement(P2PMessageList, { label: 'Messages' }),
      ),
    );
    // The element's properties are set in the browser, after hydration (Lit's React wrapper), so the
    // markup is the same on both sides.
    expect(html).toBe(
      '<p2p-provider><p2p-chat></p2p-chat><p2p-login></p2p-login><p2p-composer></p2p-composer>' +
        '<p2p-message-list></p2p-message-list></p2p-provider>',
    );
  });

  it('renders hooks with their empty values, making no client and no connection', async () => {
    const {
      useConversation,
      useConnectionState,
      useP2PClient,
      usePresence,
      useTransfers,
      useUser,
    } = await import('../src/index.js');
    const seen: unknown[] = [];
    function Chat() {
      // an unreachable address: a connection attempt would fail loudly
      const client = useP2PClient({ server: 'http://127.0.0.1:9' });
      const users = usePresence(client);
      const user = useUser(client);
      const state = useConnectionState(client);
      const view = useConversation('someone', client);
      const files = useTransfers('someone', client);
      seen.push({
        client,
        users,
        user,
        state,
        messages: view.messages,
        typing: view.typing,
        transfers: files.transfers,
      });
      return createElement('p', null, client ? 'client' : 'no client yet');
    }
    expect(renderToString(createElement(Chat))).toBe('<p>no client yet</p>');
    expect(seen).toEqual([
      {
        client: null,
        users: [],
        user: null,
        state: 'disconnected',
        messages: [],
        typing: false,
        transfers: [],
      },
    ]);
  });
});
