// An app with its own UI on the SDK alone. Every user-supplied string goes into textContent, never HTML.
import { createClient } from '@p2pchat/sdk';
import type { ChatMessage } from '@p2pchat/sdk';

const server = new URLSearchParams(location.search).get('server') ?? 'http://127.0.0.1:3000';
const client = createClient({ server });
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
let peer: string | null = null;

function show(text: string, mine: boolean) {
  const li = document.createElement('li');
  li.className = mine ? 'mine' : 'theirs';
  li.textContent = text;
  $('messages').append(li);
}

client.on('presence', (users) => {
  const list = $('users');
  list.replaceChildren(
    ...users
      .filter((u) => u.id !== client.user?.id)
      .map((u) => {
        const li = document.createElement('li');
        const button = document.createElement('button');
        button.textContent = `${u.displayName} (${u.status})`;
        button.onclick = () => {
          peer = u.id;
          $('peer').textContent = u.displayName;
          $('messages').replaceChildren();
        };
        li.append(button);
        return li;
      }),
  );
});

client.on('message', (m: ChatMessage) => {
  if (m.peerId === peer) show(`${m.from.displayName}: ${m.body}`, false);
});

$<HTMLFormElement>('account').onsubmit = async (e) => {
  e.preventDefault();
  const data = new FormData(e.target as HTMLFormElement);
  const email = String(data.get('email'));
  const password = String(data.get('password'));
  try {
    if ((e.submitter as HTMLButtonElement | null)?.value === 'register') {
      await client.register({ username: String(data.get('username')), email, password });
    } else {
      await client.login({ email, password });
    }
    await client.connect();
    $('account').hidden = true;
    $('chat').hidden = false;
  } catch (err) {
    $('error').textContent = (err as { code?: string }).code ?? 'ERROR';
  }
};

$<HTMLFormElement>('compose').onsubmit = async (e) => {
  e.preventDefault();
  const input = $<HTMLInputElement>('text');
  if (!peer || !input.value.trim()) return;
  const text = input.value;
  input.value = '';
  try {
    await client.conversation(peer).send(text);
    show(text, true);
  } catch (err) {
    show(`not delivered (${(err as { code?: string }).code})`, true);
  }
};

// Back from a reload: the session is in localStorage.
client.restore().then(async (user) => {
  if (!user) return;
  await client.connect();
  $('account').hidden = true;
  $('chat').hidden = false;
});
