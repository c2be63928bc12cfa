/// <reference types="mocha" />
import { expect } from '@esm-bundle/chai';
import { sendKeys } from '@web/test-runner-commands';
import type { P2PComposerElement, P2PMessageListElement } from '../src/index.js';
import type { UiMessage } from '../src/components/message-list/message-list.component.js';
import { a11yNodes, axe, fixture, until } from './helpers.js';

// The two parts <p2p-chat> is made of, on their own: the message box and the message list.

async function textboxNames(): Promise<(string | undefined)[]> {
  return (await a11yNodes()).filter((n) => n.role === 'textbox').map((n) => n.name);
}

describe('<p2p-composer>', () => {
  const box = (el: P2PComposerElement) =>
    el.shadowRoot?.querySelector('textarea') as HTMLTextAreaElement;
  async function composer(props: Record<string, unknown> = {}) {
    const el = await fixture<P2PComposerElement>('p2p-composer', props);
    const sent: string[] = [];
    const typing: boolean[] = [];
    let cancelled = 0;
    el.addEventListener('p2p-send', (e) =>
      sent.push((e as CustomEvent<{ body: string }>).detail.body),
    );
    el.addEventListener('p2p-typing', (e) =>
      typing.push((e as CustomEvent<{ typing: boolean }>).detail.typing),
    );
    el.addEventListener('p2p-cancel-context', () => (cancelled += 1));
    return { el, sent, typing, cancelled: () => cancelled };
  }

  it('sends with Enter, breaks the line with Shift+Enter, and never sends blank text', async () => {
    const { el, sent, typing } = await composer();
    el.focus();
    await sendKeys({ type: 'first line' });
    await sendKeys({ down: 'Shift' });
    await sendKeys({ press: 'Enter' });
    await sendKeys({ up: 'Shift' });
    await sendKeys({ type: 'second line' });
    await sendKeys({ press: 'Enter' });
    expect(sent).to.deep.equal(['first line\nsecond line']);
    expect(box(el).value).to.equal('');
    expect(typing).to.deep.equal([true, false]);
    await sendKeys({ type: '   ' });
    await sendKeys({ press: 'Enter' });
    expect(sent).to.have.length(1);
  });

  it('offers files from its attach button or a paste, only when it has an attach label', async () => {
    expect((await composer()).el.shadowRoot?.querySelector('button.attach')).to.equal(null);
    const { el } = await composer({ attachLabel: 'Attach a file' });
    const offered: string[][] = [];
    el.addEventListener('p2p-files', (e) =>
      offered.push((e as CustomEvent<{ files: File[] }>).detail.files.map((f) => f.name)),
    );
    // a button named by its label alone, reached from the keyboard before the text area
    const buttons = (await a11yNodes()).filter((n) => n.role === 'button').map((n) => n.name);
    expect(buttons).to.include('Attach a file');
    const attach = el.shadowRoot?.querySelector('button.attach') as HTMLButtonElement;
    expect(attach.tabIndex).to.equal(0);
    // what the file dialog gives
    const input = el.shadowRoot?.querySelector('input[type="file"]') as HTMLInputElement;
    const picked = new DataTransfer();
    picked.items.add(new File(['a'], 'a.txt'));
    picked.items.add(new File(['b'], 'b.txt'));
    input.files = picked.files;
    input.dispatchEvent(new Event('change'));
    // pasted text stays text; pasted files are offered
    const text = new DataTransfer();
    text.setData('text/plain', 'just words');
    box(el).dispatchEvent(new ClipboardEvent('paste', { clipboardData: text, cancelable: true }));
    const files = new DataTransfer();
    files.items.add(new File(['c'], 'shot.png', { type: 'image/png' }));
    const paste = new ClipboardEvent('paste', { clipboardData: files, cancelable: true });
    box(el).dispatchEvent(paste);
    expect(paste.defaultPrevented).to.equal(true);
    expect(offered).to.deep.equal([['a.txt', 'b.txt'], ['shot.png']]);
    expect(await axe(el)).to.deep.equal([]);
  });

  it('sends nothing while disabled', async () => {
    const { el, sent } = await composer({ disabled: true });
    box(el).value = 'hello';
    (el.shadowRoot?.querySelector('button[type="submit"]') as HTMLButtonElement).click();
    expect(sent).to.deep.equal([]);
  });

  it('starts an edit from the message’s text, saves it, and Escape drops it', async () => {
    const { el, sent, cancelled } = await composer({
      context: {
        kind: 'edit',
        id: 'm1',
        label: 'Editing',
        cancelLabel: 'Cancel the edit',
        body: 'See you at 8',
      },
    });
    await el.updateComplete;
    expect(box(el).value).to.equal('See you at 8');
    expect(el.shadowRoot?.querySelector('button[type="submit"]')?.textContent?.trim()).to.equal(
      'Save',
    );
    el.focus();
    await sendKeys({ press: 'Escape' });
    expect(cancelled()).to.equal(1);
    expect(box(el).value).to.equal('');
    expect(sent).to.deep.equal([]);
  });

  it('is named by its label alone, and axe finds nothing', async () => {
    const { el } = await composer({ label: 'Message to Bob', placeholder: 'Say hello' });
    expect(await textboxNames()).to.deep.equal(['Message to Bob']);
    expect(await axe(el)).to.deep.equal([]);
  });
});

describe('<p2p-message-list>', () => {
  const t0 = Date.UTC(2026, 11, 3, 9, 0);
  const rows = (el: P2PMessageListElement) =>
    [...(el.shadowRoot?.querySelectorAll('li:not(.older)') ?? [])] as HTMLElement[];

  // What a hostile or careless peer can send; every row must render, as text, and nothing may throw.
  const hostile: [string, Partial<UiMessage>][] = [
    ['markup', { author: '<b>Mallory</b>', body: '<img src=x onerror="window.pwned=1">' }],
    ['a direction override', { body: 'abc\u202Egnp.exe\u202C' }],
    ['one 5,000-character word', { body: 'x'.repeat(5000) }],
    ['control characters', { body: 'a\u0000b\u0007c\u001bd' }],
    ['right-to-left text', { author: 'مالوري', body: 'مرحبا، كيف حالك؟' }],
    ['a long run of emoji with modifiers', { body: '👩🏽‍💻'.repeat(200) }],
    ['a time out of range', { body: 'late', at: 8.64e15 + 1 }],
    ['not a time at all', { body: 'when', at: Number.NaN }],
    ['a negative time', { body: 'before', at: -1 }],
    ['an unknown delivery state', { kind: 'own', body: 'odd', state: 'exploded' as never }],
    ['an empty body', { body: '' }],
  ];

  it('renders whatever a peer sent, as text, without throwing', async () => {
    const errors: string[] = [];
    const onError = (e: ErrorEvent) => errors.push(e.message);
    window.addEventListener('error', onError);
    try {
      const messages: UiMessage[] = hostile.map(([, m], i) => ({
        id: `h${i}`,
        kind: 'theirs',
        author: 'Mallory',
        body: '',
        at: t0 + i,
        ...m,
      }));
      const el = await fixture<P2PMessageListElement>('p2p-message-list', { messages }, '20rem');
      await until(() => rows(el).length === hostile.length, 'every row');
      expect(el.shadowRoot?.querySelector('img, b, script')).to.equal(null);
      expect((window as { pwned?: number }).pwned).to.equal(undefined);
      const texts = rows(el).map((r) => r.textContent ?? '');
      expect(texts[0]).to.contain('<img src=x onerror="window.pwned=1">');
      expect(texts[0]).to.contain('<b>Mallory</b>');
      // nothing overflows the list sideways (the long word wraps)
      expect(el.scrollWidth).to.be.at.most(el.clientWidth + 1);
      expect(errors).to.deep.equal([]);
    } finally {
      window.removeEventListener('error', onError);
    }
  });

  it('announces new messages politely and is clean under axe', async () => {
    const el = await fixture<P2PMessageListElement>('p2p-message-list', {
      messages: [{ id: '1', kind: 'theirs', author: 'Bob', body: 'Hi', at: t0 }],
    });
    const live = el.shadowRoot?.querySelector('[aria-live]');
    expect(live?.getAttribute('aria-live')).to.equal('polite');
    expect(await axe(el)).to.deep.equal([]);
  });
});
