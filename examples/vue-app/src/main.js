import '@p2pchat/elements'; // registers <p2p-chat>, <p2p-login>, …
import { createApp } from 'vue';
import App from './App.vue';

createApp(App).mount('#app');
