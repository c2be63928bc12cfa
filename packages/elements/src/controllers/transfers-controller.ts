import type { FileTransfer, IncomingFile, P2PClient } from '@p2pchat/sdk';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { TransferActions, TransferView } from '../components/chat/transfers.js';
import { decodesAsPicture, formatBytes } from '../internal/files.js';
import type { Strings } from '../i18n.js';
import { errorText, format } from '../i18n.js';

/** What the controller needs from <p2p-chat>. */
export interface TransfersHost {
  strings(): Strings;
  locale(): string | undefined;
  nameOf(userId: string): string;
  /** Says something politely to screen readers. */
  announce(text: string): void;
}

// Finished transfers kept in view per conversation (their object URLs are freed when they go).
const KEPT = 20;

/**
 * The file transfers <p2p-chat> shows, per conversation: offers to accept or decline, progress, and
 * received files as download links (with a preview for pictures). Announces the moments that matter
 * (an offer, the start, each quarter, the end) politely, never every percent.
 */
export class TransfersController implements ReactiveController, TransferActions {
  private readonly views = new Map<string, TransferView[]>();
  private readonly quarters = new WeakMap<FileTransfer, number>();

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly chat: TransfersHost,
  ) {
    host.addController(this);
  }

  hostDisconnected(): void {
    this.clear();
  }

  /** The transfers of the conversation with `peerId`, oldest first. */
  of(peerId: string): TransferView[] {
    return this.views.get(peerId) ?? [];
  }

  /** Follows a client: offers to us show up; returns what stops following it. */
  attach(client: P2PClient): () => void {
    const off = client.on('file', (t) => {
      this.add(t);
      const s = this.chat.strings();
      this.chat.announce(
        format(s.offersFile, {
          name: this.chat.nameOf(t.peerId),
          file: t.name,
          size: formatBytes(t.size, this.chat.locale()),
        }),
      );
    });
    return () => {
      off();
      this.clear();
    };
  }

  /** Offers files to a user, each as a transfer of its own. */
  async send(client: P2PClient, peerId: string, files: File[]): Promise<void> {
    for (const file of files) {
      try {
        this.add(await client.conversation(peerId).sendFile(file));
      } catch (err) {
        this.chat.announce(`${file.name}: ${errorText(this.chat.strings(), err)}`);
      }
    }
  }

  accept(t: IncomingFile): void {
    try {
      t.accept();
    } catch {
      // no longer offered (cancelled meanwhile): its state says so
    }
  }

  decline(t: IncomingFile): void {
    t.decline();
  }

  cancel(t: FileTransfer): void {
    t.cancel();
  }

  private add(t: FileTransfer): void {
    const list = [...this.of(t.peerId), { transfer: t }];
    // the oldest finished ones give way
    while (list.length > KEPT) {
      const i = list.findIndex((v) => v.transfer.settled);
      if (i < 0) break;
      const [gone] = list.splice(i, 1);
      if (gone?.url) URL.revokeObjectURL(gone.url);
    }
    this.views.set(t.peerId, list);
    t.on('progress', () => {
      this.announceQuarter(t);
      this.host.requestUpdate();
    });
    t.on('state', (state) => {
      const s = this.chat.strings();
      if (state === 'sending' && !this.quarters.has(t)) {
        this.quarters.set(t, 0);
        this.chat.announce(
          format(t.direction === 'in' ? s.receivingFile : s.sendingFile, { file: t.name }),
        );
      } else if (state === 'done') this.chat.announce(format(s.fileDoneAnnounce, { file: t.name }));
      else if (state === 'failed') this.chat.announce(`${t.name}: ${errorText(s, t.error)}`);
      else if (state === 'cancelled') this.chat.announce(`${t.name}: ${s.fileCancelled}`);
      this.host.requestUpdate();
    });
    if (t.direction === 'in')
      t.done.then(
        (blob) => void this.received(t, blob),
        () => undefined,
      );
    this.host.requestUpdate();
  }

  private announceQuarter(t: FileTransfer): void {
    if (t.size === 0) return;
    const q = Math.floor((t.progress.bytes / t.size) * 4);
    if (q <= (this.quarters.get(t) ?? 0) || q >= 4) return;
    this.quarters.set(t, q);
    this.chat.announce(
      format(this.chat.strings().filePercentOf, { file: t.name, percent: q * 25 }),
    );
  }

  private async received(t: FileTransfer, blob: Blob | null): Promise<void> {
    if (!blob) return;
    const view = this.of(t.peerId).find((v) => v.transfer === t);
    if (!view) return;
    view.url = URL.createObjectURL(blob);
    view.preview = await decodesAsPicture(blob);
    this.host.requestUpdate();
  }

  private clear(): void {
    for (const list of this.views.values())
      for (const v of list) if (v.url) URL.revokeObjectURL(v.url);
    this.views.clear();
  }
}
