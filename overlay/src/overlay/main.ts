// Overlay entry point: stage + renderer + connection, wired to the body's
// data-connected / data-seq attributes (PROTOCOL.md "Overlay DOM").
import './overlay.css';
import { chatLog } from './chat-log';
import { backend } from './effects/new-swarm';
import { OverlayConnection, overlayUrl } from './connection';
import { warn } from './log';
import { Renderer } from './renderer';
import { mountStage } from './stage';
import type { Frame } from './types';

function start(): void {
  const body = document.body;
  body.dataset.connected = 'false';
  // Decided once, before any effect plays (the probe stalls a GPU page for a moment).
  body.dataset.particles = backend();
  const renderer = new Renderer(mountStage());

  const onFrame = (frame: Frame): void => {
    switch (frame.type) {
      case 'snapshot':
        if (frame.dropped > 0) warn(`snapshot had ${frame.dropped} unusable element(s)`);
        chatLog.reset(frame.chat);
        renderer.applySnapshot(frame.elements);
        setDashboard(frame.active_dashboard_id);
        break;
      case 'chat':
        chatLog.apply(frame.batch);
        break;
      case 'element_update':
        if (frame.element) renderer.applyUpdate(frame.action, frame.element);
        break;
      case 'dashboard_activated':
        setDashboard(frame.dashboard_id);
        break;
      case 'dashboard_deactivated':
        // Element visibility arrives as element updates (`enabled`); this only
        // keeps the informational attribute right.
        if (body.dataset.dashboardId === String(frame.dashboard_id)) setDashboard(null);
        break;
      case 'unknown':
        break; // newer server: ignore, seq was still counted
    }
  };

  const setDashboard = (id: number | null): void => {
    body.dataset.dashboardId = id === null ? '' : String(id);
  };

  const conn = new OverlayConnection(overlayUrl(window.location), {
    onFrame,
    onConnected: (c) => {
      body.dataset.connected = String(c);
    },
    onSeq: (seq) => {
      body.dataset.seq = String(seq);
    },
  });
  conn.start();
}

window.addEventListener('error', (ev) => warn('uncaught error', ev.error ?? ev.message));
window.addEventListener('unhandledrejection', (ev) => warn('unhandled rejection', ev.reason));

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start, { once: true });
else start();
