// What the browser tests load, bundled as an app's bundler would: the package, one React, and the SDK it
// uses (the same module instances as the hooks see).
export * from '../../src/index.js';
export { createClient, memoryMessageStore, memoryPreferences, memoryStorage } from '@p2pchat/sdk';
export { createElement, StrictMode } from 'react';
export { createRoot } from 'react-dom/client';
