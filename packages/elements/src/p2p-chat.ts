import { P2PChatElement } from './components/chat/chat.component.js';
import './p2p-login.js';
import './p2p-composer.js';
import './p2p-message-list.js';

export { P2PChatElement };

if (!customElements.get('p2p-chat')) customElements.define('p2p-chat', P2PChatElement);

declare global {
  interface HTMLElementTagNameMap {
    'p2p-chat': P2PChatElement;
  }
}
