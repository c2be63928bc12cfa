import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [
    vue({
      // <p2p-…> tags are custom elements, not Vue components: Vue renders them as they are
      template: { compilerOptions: { isCustomElement: (tag) => tag.startsWith('p2p-') } },
    }),
  ],
});
