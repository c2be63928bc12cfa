import { P2PMessageListElement } from './components/message-list/message-list.component.js';

export { P2PMessageListElement };

if (!customElements.get('p2p-message-list'))
  customElements.define('p2p-message-list', P2PMessageListElement);

declare global {
  interface HTMLElementTagNameMap {
    'p2p-message-list': P2PMessageListElement;
  }
}
