import { createContext } from '@lit/context';
import type { P2PClient } from '@p2pchat/sdk';

/** The context through which `<p2p-provider>` shares one client with every element inside it. */
export const clientContext = createContext<P2PClient | undefined>(Symbol('p2pchat-client'));
