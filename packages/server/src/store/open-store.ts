import { openEmbeddedStore } from './embedded/sqlite-store.js';
import { openMongoStore } from './mongo/mongo-store.js';
import type { Store } from './port.js';

/** Where the data lives: MongoDB when a URI is given, otherwise the embedded store under `dataDir`. */
export interface StoreLocation {
  dataDir: string;
  mongodbUri?: string | undefined;
}

/** Opens the store the configuration names. */
export async function openStore(location: StoreLocation): Promise<Store> {
  if (location.mongodbUri) return openMongoStore({ uri: location.mongodbUri });
  return openEmbeddedStore({ dataDir: location.dataDir });
}
