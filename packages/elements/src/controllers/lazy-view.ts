import type { ReactiveControllerHost } from 'lit';

/**
 * A part of an element's view that loads on first use (a panel few people open), so the element's first
 * load does not carry it. `get()` answers the module once it is here; before that it starts loading it and
 * answers undefined, and the host renders again when it arrives. A load that fails (offline) is tried
 * again at the next render that asks for it.
 */
export class LazyView<M> {
  private module: M | undefined;
  private loading: Promise<void> | undefined;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly load: () => Promise<M>,
  ) {}

  get(): M | undefined {
    if (this.module) return this.module;
    this.loading ??= this.load().then(
      (m) => {
        this.module = m;
        this.host.requestUpdate();
      },
      () => {
        this.loading = undefined;
      },
    );
    return undefined;
  }
}
