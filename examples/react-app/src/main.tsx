import { StrictMode, useEffect, useState } from 'react';
import type { FormEvent } from 'react';
import { createRoot } from 'react-dom/client';
import {
  P2PChat,
  P2PClientProvider,
  P2PLogin,
  useConnectionState,
  useConversation,
  useP2PClient,
  usePresence,
  useTransfers,
  useUser,
} from '@p2pchat/react';
import type { FileTransfer, IncomingFile } from '@p2pchat/react';

// The chat server: ?server=… in the address, or a local one.
const server = new URLSearchParams(location.search).get('server') ?? 'http://127.0.0.1:3000';

function App() {
  // one client for the app's lifetime, shared by the hooks and the elements below
  const client = useP2PClient({ server });
  if (!client) return <p>Starting…</p>;
  return (
    <P2PClientProvider client={client}>
      <Chat />
    </P2PClientProvider>
  );
}

function Chat() {
  const client = useP2PClient();
  const user = useUser();
  const connection = useConnectionState();
  const people = usePresence().filter((u) => u.id !== user?.id);
  const [peer, setPeer] = useState<{ id: string; name: string } | null>(null);
  const [whole, setWhole] = useState(false);
  if (!user) return <P2PLogin client={client ?? undefined} mode="register" />;
  return (
    <>
      <p id="me">
        Signed in as {user.displayName} · <span id="connection">{connection}</span>
      </p>
      <label>
        <input type="checkbox" checked={whole} onChange={(e) => setWhole(e.target.checked)} /> Show
        the whole &lt;P2PChat&gt;
      </label>
      {whole ? (
        <P2PChat client={client ?? undefined} />
      ) : (
        <div className="columns">
          <nav aria-label="Online">
            <ul id="people">
              {people.map((u) => (
                <li key={u.id}>
                  <button type="button" onClick={() => setPeer({ id: u.id, name: u.displayName })}>
                    {u.displayName}
                  </button>
                </li>
              ))}
            </ul>
          </nav>
          {peer ? <Conversation peerId={peer.id} name={peer.name} /> : <p>Choose someone.</p>}
        </div>
      )}
    </>
  );
}

function Conversation({ peerId, name }: { peerId: string; name: string }) {
  const { messages, send, typing, state, setTyping } = useConversation(peerId);
  const [draft, setDraft] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!draft.trim()) return;
    void send(draft);
    setDraft('');
    setTyping(false);
  };
  return (
    <section aria-label={`Messages with ${name}`}>
      <p id="state" role="status">
        {state}
        {typing ? ` · ${name} is typing…` : ''}
      </p>
      <ol id="messages">
        {messages.map((m) => (
          <li key={`${m.fromId}:${m.id}`} className={m.direction}>
            {m.body} <small>{m.direction === 'out' ? m.status : ''}</small>
          </li>
        ))}
      </ol>
      <form onSubmit={submit}>
        <label>
          Message{' '}
          <input
            id="draft"
            value={draft}
            onChange={(e) => {
              setDraft(e.target.value);
              setTyping(e.target.value !== '');
            }}
          />
        </label>{' '}
        <button type="submit">Send</button>
      </form>
      <Files peerId={peerId} name={name} />
    </section>
  );
}

// Files with the peer: offers to accept or decline, progress, and a link to each file received.
function Files({ peerId, name }: { peerId: string; name: string }) {
  const { transfers, sendFile } = useTransfers(peerId);
  const [problem, setProblem] = useState('');
  return (
    <>
      <label>
        Send {name} a file{' '}
        <input
          id="file"
          type="file"
          onChange={(e) => {
            const file = e.target.files?.[0];
            setProblem('');
            if (file)
              sendFile(file).catch((err: Error) => setProblem(`${file.name}: ${err.message}`));
            e.target.value = '';
          }}
        />
      </label>
      <p role="status">{problem}</p>
      <ul id="files">
        {transfers.map((t) => (
          <li key={t.id}>
            <Transfer transfer={t} />
          </li>
        ))}
      </ul>
    </>
  );
}

// The hook renders again at each change of state and progress, and this with it.
function Transfer({ transfer: t }: { transfer: FileTransfer }) {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    if (t.direction !== 'in' || t.state !== 'done') return;
    let made: string | null = null;
    void t.done.then((blob) => {
      if (blob) setUrl((made = URL.createObjectURL(blob)));
    });
    return () => {
      if (made) URL.revokeObjectURL(made);
    };
  }, [t, t.state]);
  const label = `${t.direction === 'out' ? 'Sending' : 'Receiving'} ${t.name}`;
  return (
    <>
      {label}: <span className="state">{t.state}</span>{' '}
      <progress aria-label={label} max={t.size || 1} value={t.progress.bytes} />
      {t.direction === 'in' && t.state === 'offered' ? (
        <>
          {' '}
          <button type="button" onClick={() => (t as IncomingFile).accept()}>
            Accept
          </button>{' '}
          <button type="button" onClick={() => (t as IncomingFile).decline()}>
            Decline
          </button>
        </>
      ) : null}
      {url ? (
        <>
          {' '}
          <a href={url} download={t.name}>
            Save
          </a>
        </>
      ) : null}
    </>
  );
}

const root = document.getElementById('root');
if (root)
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
