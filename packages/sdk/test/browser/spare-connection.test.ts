/// <reference types="mocha" />
import { expect } from '@esm-bundle/chai';
import { SpareConnection } from '../../src/rtc/spare-connection.js';
import type { SpareSource } from '../../src/rtc/spare-connection.js';
import { clients, online, until } from './helpers.js';

// Chromium's own RTCPeerConnection, counting what it makes.
const made: RTCPeerConnection[] = [];
class Counted extends RTCPeerConnection {
  constructor(config?: RTCConfiguration) {
    super(config);
    made.push(this);
  }
}

const ECDSA: EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' };
const stun = (host: string): RTCIceServer[] => [{ urls: `stun:${host}:3478` }];

describe('a spare connection in Chromium', () => {
  // one list, as the client passes the same configuration objects to every connection
  let certificates: RTCCertificate[];
  const spares: SpareConnection[] = [];
  before(async () => {
    certificates = [await RTCPeerConnection.generateCertificate(ECDSA)];
  });
  beforeEach(() => (made.length = 0));
  afterEach(() => {
    for (const s of spares.splice(0)) s.close();
    for (const pc of made) pc.close();
  });
  const spareOf = (source: () => SpareSource | undefined, delayMs = 0) => {
    const s = new SpareConnection(source, delayMs);
    spares.push(s);
    return s;
  };

  it('is handed over with the current ICE servers set on it, having gathered nothing', async () => {
    const iceServers = stun('192.0.2.1');
    const spare = spareOf(() => ({ RTC: Counted, config: { iceServers, certificates } }));
    spare.prepare();
    await until(() => spare.ready, 'the spare');
    expect(made).to.have.length(1);
    expect(made[0]?.iceGatheringState).to.equal('new');
    expect(made[0]?.localDescription).to.equal(null);

    const fresh = stun('192.0.2.2');
    const { pc, channel } = spare.take(Counted, { iceServers: fresh, certificates });
    expect(pc).to.equal(made[0]);
    expect(pc.getConfiguration().iceServers?.[0]?.urls).to.deep.equal(['stun:192.0.2.2:3478']);
    expect(channel).to.include({
      label: 'p2pchat',
      negotiated: true,
      id: 0,
      readyState: 'connecting',
    });
    // the next one follows by itself
    await until(() => spare.ready, 'the next spare');
    expect(made).to.have.length(2);
  });

  it('is not used for other settings: another certificate, relay-only, another implementation', async () => {
    const other = await RTCPeerConnection.generateCertificate(ECDSA);
    const iceServers = stun('192.0.2.1');
    for (const wanted of [
      { RTC: Counted, config: { iceServers, certificates: [other] } },
      { RTC: Counted, config: { iceServers, certificates, iceTransportPolicy: 'relay' } },
      { RTC: Counted, config: { iceServers, certificates, bundlePolicy: 'max-compat' } },
      { RTC: class extends Counted {}, config: { iceServers, certificates } },
    ] as SpareSource[]) {
      made.length = 0;
      const spare = spareOf(() => ({ RTC: Counted, config: { iceServers, certificates } }));
      spare.prepare();
      await until(() => spare.ready, 'the spare');
      const { pc } = spare.take(wanted.RTC, wanted.config);
      expect(pc).to.not.equal(made[0]);
      expect(made[0]?.signalingState, 'the unused spare is closed').to.equal('closed');
      expect(pc.getConfiguration()).to.include({
        iceTransportPolicy: wanted.config.iceTransportPolicy ?? 'all',
        bundlePolicy: wanted.config.bundlePolicy ?? 'balanced',
      });
      const print = (c?: RTCCertificate) => c?.getFingerprints()[0]?.value;
      expect(print(pc.getConfiguration().certificates?.[0])).to.equal(
        print(wanted.config.certificates?.[0]),
      );
      spare.close();
    }
  });

  it('is closed on close(), and none is made after it', async () => {
    let asked = 0;
    const spare = spareOf(() => {
      asked += 1;
      return { RTC: Counted, config: { iceServers: [] } };
    }, 0);
    spare.prepare();
    await until(() => spare.ready, 'the spare');
    spare.close();
    expect(made[0]?.signalingState).to.equal('closed');
    spare.prepare(50);
    spare.close();
    await new Promise((r) => setTimeout(r, 100));
    expect([spare.ready, asked, made.length]).to.deep.equal([false, 1, 1]);
  });

  it('is none while the source has nothing to make it with, and a connection is then made anew', () => {
    const spare = spareOf(() => undefined);
    spare.prepare();
    const { pc } = spare.take(Counted, { iceServers: [] });
    expect(made).to.deep.equal([pc]);
  });

  it('serves both sides of a conversation, which opens as usual', async () => {
    const ada = await online('sa');
    const bob = await online('sb');
    type Inside = {
      directory: {
        spare: { ready: boolean; spare?: { made: { pc: RTCPeerConnection } } };
        peers: Set<{ pc: RTCPeerConnection }>;
      };
    };
    const inside = (c: unknown) => (c as Inside).directory;
    await until(
      () =>
        inside(ada.client).spare.ready &&
        inside(bob.client).spare.ready &&
        ada.client.users.some((u) => u.id === bob.user.id),
      'both spares and presence',
    );
    const before = [ada, bob].map((p) => inside(p.client).spare.spare?.made.pc);
    const sent = await ada.client.conversation(bob.user.id).send('over spares');
    expect(sent.status).to.equal('delivered');
    // each side's connection is the spare it had made
    const used = [ada, bob].map((p) => [...inside(p.client).peers][0]?.pc);
    expect(used[0]).to.equal(before[0]);
    expect(used[1]).to.equal(before[1]);
    // the next ones come a second later (so as not to slow the connection down), and go on disconnect()
    await until(
      () => inside(ada.client).spare.ready && inside(bob.client).spare.ready,
      'the next spares',
    );
    expect([...ada.errors, ...bob.errors]).to.deep.equal([]);
    for (const c of clients) c.disconnect();
    expect([inside(ada.client).spare.ready, inside(bob.client).spare.ready]).to.deep.equal([
      false,
      false,
    ]);
  });
});
