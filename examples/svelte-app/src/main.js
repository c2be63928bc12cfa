/* global document */
import '@p2pchat/elements'; // registers <p2p-chat>, <p2p-login>, …
import { mount } from 'svelte';
import App from './App.svelte';

mount(App, { target: document.getElementById('app') });
