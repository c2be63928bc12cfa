/// <reference types="mocha" />
import { expect } from '@esm-bundle/chai';
import { axe, deep, until } from './helpers.js';
import { person, summary, userButton } from './chat-helpers.js';

// A real picture the receiver can decode and preview: 2×2 red pixels, drawn and encoded by the browser.
async function png(): Promise<Uint8Array<ArrayBuffer>> {
  const canvas = new OffscreenCanvas(2, 2);
  const g = canvas.getContext('2d') as OffscreenCanvasRenderingContext2D;
  g.fillStyle = 'red';
  g.fillRect(0, 0, 2, 2);
  return new Uint8Array(await (await canvas.convertToBlob({ type: 'image/png' })).arrayBuffer());
}

const transfers = (el: Element) => [
  ...(deep(el, 'ul.transfers')?.querySelectorAll<HTMLLIElement>('li.transfer') ?? []),
];
const buttonIn = (li: Element | undefined, text: string) =>
  [...(li?.querySelectorAll<HTMLButtonElement>('button') ?? [])].find((b) =>
    b.textContent?.trim().startsWith(text),
  );
const statusText = (el: Element) =>
  [...(el.shadowRoot?.querySelectorAll('[role="status"]') ?? [])]
    .map((n) => n.textContent ?? '')
    .join(' | ');

// Picks files in the composer's own file input, as the attach button's dialog would.
function attach(el: Element, files: File[]) {
  const input = deep<HTMLInputElement>(el, 'p2p-composer', 'input[type="file"]');
  if (!input) throw new Error('no file input');
  const dt = new DataTransfer();
  for (const f of files) dt.items.add(f);
  input.files = dt.files;
  input.dispatchEvent(new Event('change', { bubbles: true }));
}

async function twoInConversation() {
  const ada = await person('fada', { displayName: 'Ada' } as never, undefined, 'anyone');
  const bob = await person('fbob', { displayName: 'Bob' } as never, undefined, 'anyone');
  (await until(() => userButton(ada.el, 'Bob'), "bob in ada's list")).click();
  (await until(() => userButton(bob.el, 'Ada'), "ada in bob's list")).click();
  await until(() => deep(ada.el, 'p2p-composer', 'button.attach'), 'the attach button');
  return { ada, bob };
}

describe('<p2p-chat> files', () => {
  it('attach, accept, progress, then a download link with the safe name and a preview for a picture', async () => {
    const { ada, bob } = await twoInConversation();
    const attachButton = deep<HTMLButtonElement>(ada.el, 'p2p-composer', 'button.attach');
    expect(attachButton?.textContent?.trim()).to.equal('Attach a file');
    const PNG = await png();
    attach(ada.el, [new File([PNG], '../../red\u202egnp.png', { type: 'image/png' })]);
    const offer = await until(() => transfers(bob.el)[0], 'the offer at bob');
    expect(offer.querySelector('.file-name')?.textContent).to.equal('redgnp.png');
    await until(() => statusText(bob.el).includes('Ada offers a file: redgnp.png'), 'announced');
    // ada waits for bob
    await until(() => transfers(ada.el)[0]?.textContent?.includes('Waiting'), 'waiting at ada');
    expect(summary(await axe(bob.el))).to.deep.equal([]);
    buttonIn(offer, 'Accept')?.click();
    const link = await until(
      () => deep<HTMLAnchorElement>(bob.el, 'ul.transfers a.file-link'),
      'the download link',
    );
    expect(link.getAttribute('download')).to.equal('redgnp.png');
    expect(link.href.startsWith('blob:')).to.equal(true);
    const bytes = new Uint8Array(await (await fetch(link.href)).arrayBuffer());
    expect([...bytes]).to.deep.equal([...PNG]);
    const img = await until(
      () => deep<HTMLImageElement>(bob.el, 'ul.transfers img.file-preview'),
      'the preview',
    );
    expect(img.getAttribute('alt')).to.equal('');
    await until(() => transfers(ada.el)[0]?.textContent?.includes('Sent'), 'sent at ada');
    expect(summary(await axe(bob.el))).to.deep.equal([]);
  });

  it('shows an accessible progress bar, and cancels from the receiver', async () => {
    const { ada, bob } = await twoInConversation();
    attach(ada.el, [new File([new Uint8Array(48 * 1024 * 1024)], 'big.bin')]);
    const offer = await until(() => transfers(bob.el)[0], 'the offer at bob');
    buttonIn(offer, 'Accept')?.click();
    const bar = await until(
      () => deep<HTMLProgressElement>(bob.el, 'ul.transfers progress'),
      'the progress bar',
    );
    expect(bar.getAttribute('aria-label')).to.equal('Receiving big.bin');
    expect(bar.getAttribute('aria-valuetext')).to.match(/^\d+%$/);
    buttonIn(transfers(bob.el)[0], 'Cancel')?.click();
    await until(() => transfers(bob.el)[0]?.textContent?.includes('Cancelled'), 'cancelled at bob');
    await until(() => transfers(ada.el)[0]?.textContent?.includes('Cancelled'), 'cancelled at ada');
  });

  it('declines, and takes dropped and pasted files too', async () => {
    const { ada, bob } = await twoInConversation();
    // dropped on the conversation
    const section = deep(ada.el, 'section[part="conversation"]') as HTMLElement;
    const dt = new DataTransfer();
    dt.items.add(new File(['dropped'], 'dropped.txt', { type: 'text/plain' }));
    section.dispatchEvent(
      new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }),
    );
    let offer = await until(() => transfers(bob.el)[0], 'the dropped file at bob');
    expect(offer.querySelector('.file-name')?.textContent).to.equal('dropped.txt');
    buttonIn(offer, 'Decline')?.click();
    await until(() => transfers(ada.el)[0]?.textContent?.includes('declined'), 'declined at ada');
    // pasted into the composer
    const box = deep<HTMLTextAreaElement>(
      ada.el,
      'p2p-composer',
      'textarea',
    ) as HTMLTextAreaElement;
    const paste = new DataTransfer();
    paste.items.add(new File(['pasted'], 'pasted.txt', { type: 'text/plain' }));
    box.dispatchEvent(
      new ClipboardEvent('paste', { clipboardData: paste, bubbles: true, cancelable: true }),
    );
    offer = await until(() => transfers(bob.el)[1], 'the pasted file at bob');
    expect(offer.querySelector('.file-name')?.textContent).to.equal('pasted.txt');
  });
});
