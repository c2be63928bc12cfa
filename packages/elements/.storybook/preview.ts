import type { Preview } from '@storybook/web-components-vite';
import '../src/index.js';

const preview: Preview = {
  parameters: { layout: 'padded' },
};
export default preview;
