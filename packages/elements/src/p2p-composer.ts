import { P2PComposerElement } from './components/composer/composer.component.js';

export { P2PComposerElement };

if (!customElements.get('p2p-composer')) customElements.define('p2p-composer', P2PComposerElement);

declare global {
  interface HTMLElementTagNameMap {
    'p2p-composer': P2PComposerElement;
  }
}
