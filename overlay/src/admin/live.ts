// The admin's WebSocket (`/ws?client_type=admin`) is the overlay's own client
// (overlay/connection.ts: MessagePack, gap-free seq with resync, keepalive, capped jittered
// backoff); this file only names the URL and maps its hooks to the admin's link state.

import { OverlayConnection } from '../overlay/connection';
import type { Dict } from './types';

export type LinkState = 'connecting' | 'live' | 'offline';

export interface LiveHooks {
  onFrame(frame: Dict & { type: string }): void;
  onState(state: LinkState): void;
}

export function adminSocketUrl(loc: Pick<Location, 'protocol' | 'host'>, token: string): string {
  const scheme = loc.protocol === 'https:' ? 'wss' : 'ws';
  let url = `${scheme}://${loc.host}/ws?client_type=admin`;
  if (token) url += `&token=${encodeURIComponent(token)}`;
  return url;
}

export class LiveLink {
  private readonly conn: OverlayConnection;
  private started = false;

  constructor(url: () => string, hooks: LiveHooks) {
    this.conn = new OverlayConnection(url, {
      onFrame() {},
      onSeq() {},
      onConnected: (up) => hooks.onState(up ? 'live' : 'offline'),
      onRaw: (raw) => {
        if (typeof raw.type === 'string') hooks.onFrame(raw as Dict & { type: string });
      },
    });
  }

  start(): void {
    this.started = true;
    this.conn.start();
  }

  /** Connects again right away (after a new token). */
  restart(): void {
    if (!this.started) return this.start();
    this.conn.restart();
  }
}
