import type { StorybookConfig } from '@storybook/web-components-vite';

const config: StorybookConfig = {
  stories: ['../src/**/*.stories.ts'],
  framework: { name: '@storybook/web-components-vite', options: {} },
  core: { disableTelemetry: true },
  async viteFinal(vite) {
    // Resolve the SDK from its TypeScript source, as the tests do.
    vite.resolve = {
      ...vite.resolve,
      conditions: ['@p2pchat/source', 'browser', 'module', 'import', 'default'],
    };
    return vite;
  },
};
export default config;
