/// <reference types="mocha" />
import { expect } from '@esm-bundle/chai';
import type { ReactiveControllerHost } from 'lit';
import { LazyView } from '../src/controllers/lazy-view.js';

// A host that counts the renders it was asked for.
function host() {
  const h = { updates: 0, requestUpdate: () => void (h.updates += 1) };
  return h as typeof h & ReactiveControllerHost;
}
const tick = () => new Promise((r) => setTimeout(r, 0));

describe('LazyView: a part of a view loaded on first use', () => {
  it('loads once, answers nothing until it is here, then asks the host to render again', async () => {
    const h = host();
    let loads = 0;
    const view = new LazyView(h, async () => {
      loads += 1;
      return { render: () => 'panel' };
    });
    expect(view.get()).to.equal(undefined);
    expect(view.get()).to.equal(undefined); // still loading: not loaded twice
    await tick();
    expect(h.updates).to.equal(1);
    expect(view.get()?.render()).to.equal('panel');
    expect(loads).to.equal(1);
  });

  it('tries again at the next render after a failed load (offline), and asks for no render itself', async () => {
    const h = host();
    let attempts = 0;
    const view = new LazyView(h, async () => {
      attempts += 1;
      if (attempts === 1) throw new TypeError('Failed to fetch dynamically imported module');
      return { ok: true };
    });
    expect(view.get()).to.equal(undefined);
    await tick();
    expect([attempts, h.updates]).to.deep.equal([1, 0]);
    expect(view.get()).to.equal(undefined); // the next render tries again
    await tick();
    expect([attempts, h.updates, view.get()?.ok]).to.deep.equal([2, 1, true]);
  });
});
