import { P2PError } from '../errors.js';
import { TokenBucket } from '../protocol/token-bucket.js';
import type { Frame } from '../rtc/frames.js';
import type { PeerSession } from '../rtc/peer-session.js';
import { safeFileName } from './file-name.js';
export { loadHasher } from './hash.js';
import { FILE_LIMITS } from './limits.js';
import type { FileLimits, SendFileOptions } from './limits.js';
import { IncomingFile } from './incoming.js';
import { OutgoingFile } from './outgoing.js';
import type { FileSource, FileTransfer, TransferHost } from './transfer.js';

// Offers a peer may make beyond what we take (busy, too large) before the connection is closed as a flood.
const REFUSED_OFFERS_BURST = 50;
const REFUSED_OFFERS_PER_SECOND = 1;

/** What the file manager needs from the client. */
export interface FileManagerHost {
  openPeersOf(userId: string): PeerSession[];
  /** Opens a connection to the user if none is open; rejects if it cannot. */
  reach(userId: string): Promise<PeerSession[]>;
  onIncoming(transfer: FileTransfer): void;
  /** A file of this client's is offered to a peer (its transfer is made). */
  onOutgoing(transfer: FileTransfer): void;
  onError(error: P2PError): void;
}

const key = (peerId: string, id: string) => `${peerId}\u0000${id}`;

/**
 * Every file transfer of the client: offers out and in, the slots they take, the frames and channels of
 * the transfer protocol, and resuming after a drop.
 */
export class FileManager {
  private readonly limits: Required<FileLimits>;
  private readonly outgoing = new Map<string, OutgoingFile>();
  private readonly incoming = new Map<string, IncomingFile>();
  // Outgoing transfers not yet offered, waiting for a slot.
  private readonly queue: OutgoingFile[] = [];
  private readonly refused = new Map<string, TokenBucket>();

  constructor(
    private readonly host: FileManagerHost,
    limits: FileLimits = {},
  ) {
    this.limits = { ...FILE_LIMITS, ...limits };
  }

  /** Every transfer under way, both ways. */
  get transfers(): FileTransfer[] {
    return [...this.outgoing.values(), ...this.incoming.values()];
  }

  /** Offers a file to a user; resolves with its transfer once the offer is out (or queued for a slot). */
  async send(
    peerId: string,
    source: FileSource,
    options: SendFileOptions = {},
  ): Promise<FileTransfer> {
    const isBlob = typeof Blob !== 'undefined' && source instanceof Blob;
    const size = isBlob ? (source as Blob).size : options.size;
    const name = options.name ?? (isBlob ? ((source as { name?: string }).name ?? '') : '');
    const type = options.type ?? (isBlob ? (source as Blob).type : '');
    if (!isBlob && !(source && (Symbol.asyncIterator in source || 'getReader' in source)))
      throw new P2PError(
        'INVALID_PAYLOAD',
        'A file is a File, a Blob or a stream of bytes.',
        'peer',
      );
    if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0)
      throw new P2PError(
        'INVALID_PAYLOAD',
        'A stream needs its size in bytes (options.size).',
        'peer',
      );
    if (typeof name !== 'string' || name.trim() === '' || name.length > 255)
      throw new P2PError('INVALID_PAYLOAD', 'A file needs a name of 1 to 255 characters.', 'peer');
    if (size > this.limits.maxFileBytes)
      throw new P2PError(
        'FILE_TOO_LARGE',
        `Files may be at most ${this.limits.maxFileBytes} bytes; this one has ${size}.`,
        'peer',
      );
    await this.host.reach(peerId);
    const id = randomId();
    const t: OutgoingFile = new OutgoingFile(
      id,
      peerId,
      name,
      size,
      type,
      source,
      this.hostFor(() => t),
    );
    this.outgoing.set(id, t);
    this.host.onOutgoing(t);
    this.queue.push(t);
    this.offerQueued();
    return t;
  }

  /** A transfer frame from a peer session. */
  onFrame(session: PeerSession, frame: Frame): void {
    const peerId = session.remoteUserId;
    switch (frame.t) {
      case 'file': {
        const held = this.incoming.get(key(peerId, frame.id));
        if (frame.resume) {
          if (held) void held.resume(session);
          return; // a resume for a transfer this session never held: another tab's
        }
        if (held) {
          if (held.state === 'offered') held.session = session; // offered again after a drop
          return;
        }
        if (this.incoming.size >= this.limits.maxIncoming)
          return this.refuse(session, frame.id, 'busy');
        if (frame.size > this.limits.maxFileBytes)
          return this.refuse(session, frame.id, 'too-large');
        const t: IncomingFile = new IncomingFile(
          frame.id,
          session,
          safeFileName(frame.name),
          frame.size,
          frame.mime,
          this.hostFor(() => t),
        );
        this.incoming.set(key(peerId, frame.id), t);
        this.host.onIncoming(t);
        return;
      }
      case 'file-ok': {
        const t = this.outgoing.get(frame.id);
        if (!t || t.peerId !== peerId) return;
        const first = t.state === 'offered';
        if (!first && t.state !== 'paused') {
          // a second session of the receiver accepting: the first one has it; from the same session, an
          // answer to a resume offer sent twice (at the drop, and when the new connection opened)
          if (t.session !== session) session.send({ t: 'file-no', id: frame.id, why: 'taken' });
          return;
        }
        if (!t.accepted(session, frame.offset)) return;
        if (first)
          for (const other of this.host.openPeersOf(peerId))
            if (other !== session) other.send({ t: 'file-no', id: frame.id, why: 'taken' });
        return;
      }
      case 'file-at': {
        const t = this.outgoing.get(frame.id);
        if (t && t.session === session) t.confirmed(frame.offset);
        return;
      }
      case 'file-done': {
        const t = this.outgoing.get(frame.id);
        if (t && t.session === session) t.finished(frame.ok);
        return;
      }
      case 'file-no': {
        const t = this.outgoing.get(frame.id) ?? this.incoming.get(key(peerId, frame.id));
        if (!t || t.peerId !== peerId) return;
        // before it is bound, any session of the peer may decline; after, only the one that has it
        const bound = (t as OutgoingFile | IncomingFile).session;
        if (bound && bound !== session && t.state !== 'offered') return;
        t.stoppedByPeer(frame.why);
        return;
      }
    }
  }

  /** A data channel the peer opened: a transfer's bytes, or closed at once. */
  onChannel(session: PeerSession, channel: RTCDataChannel): void {
    const id = /^file:(.{1,64})$/.exec(channel.label)?.[1];
    const t = id ? this.incoming.get(key(session.remoteUserId, id)) : undefined;
    if (t && t.state === 'accepted') {
      t.session = session; // the sender's session that has the transfer: where file-ok reached it
      t.attach(channel);
    } else
      try {
        channel.close();
      } catch {
        // closed already
      }
  }

  /**
   * A peer session opened: offers to that user that may have been lost go again, and interrupted
   * transfers ask to go on over it.
   */
  onSessionOpen(session: PeerSession): void {
    for (const t of this.outgoing.values()) {
      if (t.peerId !== session.remoteUserId || this.queue.includes(t)) continue;
      if (t.state === 'offered' || t.state === 'paused')
        session.send(offerOf(t, t.state === 'paused'));
    }
  }

  /** A peer session closed: its transfers wait for the peer to come back. */
  onSessionClosed(session: PeerSession): void {
    for (const t of this.transfers) {
      const bound = (t as OutgoingFile | IncomingFile).session;
      if (bound === session) (t as OutgoingFile | IncomingFile).interrupted();
    }
    this.offerQueued();
  }

  /** Logout or disconnect: everything under way ends. */
  closeAll(): void {
    this.queue.length = 0;
    for (const t of this.transfers) t.cancel();
  }

  private refuse(session: PeerSession, id: string, why: 'busy' | 'too-large'): void {
    session.send({ t: 'file-no', id, why });
    let bucket = this.refused.get(session.remoteUserId);
    if (!bucket) {
      bucket = new TokenBucket(REFUSED_OFFERS_BURST, REFUSED_OFFERS_PER_SECOND);
      this.refused.set(session.remoteUserId, bucket);
    }
    if (!bucket.take()) {
      this.host.onError(new P2PError('PEER_PROTOCOL', 'A peer flooded file offers.', 'peer'));
      session.close('flooded');
    }
  }

  // Offers waiting transfers while there are slots (a slot is held from the offer to the end).
  private offerQueued(): void {
    const busy = () =>
      [...this.outgoing.values()].filter((t) => !this.queue.includes(t) && !t.settled).length;
    for (let t = this.queue[0]; t && busy() < this.limits.maxOutgoing; t = this.queue[0]) {
      this.queue.shift();
      const sessions = this.host.openPeersOf(t.peerId);
      if (sessions.length === 0) {
        t.fail('NOT_CONNECTED', 'The peer went away before the file could be offered.');
        continue;
      }
      for (const s of sessions) s.send(offerOf(t, false));
    }
  }

  private hostFor(transfer: () => OutgoingFile | IncomingFile): TransferHost {
    return {
      stallMs: this.limits.stallMs,
      resumeMs: this.limits.resumeMs,
      send: (frame) => {
        const t = transfer();
        const bound = t.session;
        if (bound && bound.state === 'open') bound.send(frame);
        else for (const s of this.host.openPeersOf(t.peerId)) s.send(frame);
      },
      started: (t) => {
        if (t instanceof OutgoingFile) t.open();
      },
      paused: (t) => {
        // the connection may still be up (only the channel went): ask at once wherever the peer is open
        if (t instanceof OutgoingFile)
          for (const s of this.host.openPeersOf(t.peerId)) s.send(offerOf(t, true));
      },
      settled: (t) => {
        if (t.direction === 'out') this.outgoing.delete(t.id);
        else this.incoming.delete(key(t.peerId, t.id));
        const q = this.queue.indexOf(t as OutgoingFile);
        if (q >= 0) this.queue.splice(q, 1);
        this.offerQueued();
      },
    };
  }
}

function offerOf(t: FileTransfer, resume: boolean): Frame {
  return {
    t: 'file',
    id: t.id,
    name: t.name,
    size: t.size,
    mime: t.type.slice(0, 255),
    ...(resume ? { resume: true } : {}),
  };
}

function randomId(): string {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
