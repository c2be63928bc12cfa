import { P2PLoginElement } from './components/login/login.component.js';

export { P2PLoginElement };

if (!customElements.get('p2p-login')) customElements.define('p2p-login', P2PLoginElement);

declare global {
  interface HTMLElementTagNameMap {
    'p2p-login': P2PLoginElement;
  }
}
