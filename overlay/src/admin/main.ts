// Admin UI entry: the streamer's cockpit (Vue 3 + Tailwind), served at /admin/.
import { createApp } from 'vue';
import App from './components/App.vue';
import { boot } from './store';
import './style.css';

createApp(App).mount('#app');
void boot();
