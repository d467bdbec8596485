// The admin's WebSocket (`/ws?client_type=admin`): MessagePack frames, gap-free seq with
// resync, keepalive, and reconnect forever with capped, jittered backoff.

import { Decoder, encode } from '@msgpack/msgpack';
import type { Dict } from './types';

const PING = encode({ type: 'ping' });
const RESYNC = encode({ type: 'resync' });
const PING_EVERY_MS = 20_000;
const CONNECT_TIMEOUT_MS = 10_000;

export type LinkState = 'connecting' | 'live' | 'offline';

export interface LiveHooks {
  onFrame(frame: Dict & { type: string }): void;
  onState(state: LinkState): void;
}

export function backoff(attempt: number, rand: () => number = Math.random): number {
  const ceiling = Math.min(5000, 250 * 2 ** Math.min(Math.max(0, attempt), 16));
  return Math.round(ceiling / 2 + (ceiling / 2) * Math.min(Math.max(rand(), 0), 0.999999));
}

export function adminSocketUrl(loc: Pick<Location, 'protocol' | 'host'>, token: string): string {
  const scheme = loc.protocol === 'https:' ? 'wss' : 'ws';
  let url = `${scheme}://${loc.host}/ws?client_type=admin`;
  if (token) url += `&token=${encodeURIComponent(token)}`;
  return url;
}

export class LiveLink {
  private ws: WebSocket | null = null;
  private attempt = 0;
  private last: number | null = null;
  private awaiting = true;
  private readonly decoder = new Decoder();
  private timers: ReturnType<typeof setTimeout>[] = [];
  private ping: ReturnType<typeof setInterval> | null = null;
  private stopped = false;

  constructor(
    private url: () => string,
    private readonly hooks: LiveHooks,
  ) {}

  start(): void {
    this.stopped = false;
    if (!this.ws) this.connect();
  }

  /** Drops the connection and connects again right away (e.g. after a new token). */
  restart(): void {
    this.attempt = 0;
    this.close();
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    this.close();
  }

  private close(): void {
    const ws = this.ws;
    this.ws = null;
    this.clearTimers();
    if (ws) {
      ws.onopen = ws.onmessage = ws.onerror = ws.onclose = null;
      try {
        ws.close();
      } catch {
        // already closed
      }
    }
  }

  private clearTimers(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers = [];
    if (this.ping !== null) clearInterval(this.ping);
    this.ping = null;
  }

  private connect(): void {
    this.hooks.onState('connecting');
    let ws: WebSocket;
    try {
      ws = new WebSocket(this.url());
    } catch {
      this.retry();
      return;
    }
    ws.binaryType = 'arraybuffer';
    this.ws = ws;
    this.last = null;
    this.awaiting = true;
    this.timers.push(
      setTimeout(() => {
        if (this.ws === ws && ws.readyState === WebSocket.CONNECTING) this.dropped(ws);
      }, CONNECT_TIMEOUT_MS),
    );
    ws.onopen = () => {
      this.ping = setInterval(() => this.send(PING), PING_EVERY_MS);
    };
    ws.onmessage = (ev: MessageEvent) => {
      if (this.ws === ws) this.receive(ev.data);
    };
    ws.onclose = () => this.dropped(ws);
  }

  private dropped(ws: WebSocket): void {
    if (this.ws !== ws) return;
    this.close();
    this.hooks.onState('offline');
    this.retry();
  }

  private retry(): void {
    if (this.stopped) return;
    this.timers.push(setTimeout(() => this.connect(), backoff(this.attempt++)));
  }

  private receive(data: unknown): void {
    let frame: unknown;
    try {
      if (data instanceof ArrayBuffer) frame = this.decoder.decode(new Uint8Array(data));
      else if (typeof data === 'string') frame = JSON.parse(data);
      else return;
    } catch {
      return;
    }
    if (!frame || typeof frame !== 'object' || Array.isArray(frame)) return;
    const f = frame as Dict & { type: string };
    const seq = typeof f.seq === 'number' && Number.isSafeInteger(f.seq) ? f.seq : null;
    if (typeof f.type !== 'string' || seq === null) return;
    if (f.type === 'snapshot') {
      this.last = seq;
      this.awaiting = false;
      this.attempt = 0;
      this.emit(f);
      this.hooks.onState('live');
      return;
    }
    if (this.awaiting || this.last === null) return;
    if (seq !== this.last + 1) {
      // A gap: our picture may be stale. Ask for a fresh snapshot.
      this.awaiting = true;
      this.send(RESYNC);
      return;
    }
    this.last = seq;
    this.emit(f);
  }

  private emit(f: Dict & { type: string }): void {
    try {
      this.hooks.onFrame(f);
    } catch (e) {
      console.warn('[stagehand admin] applying frame failed', f.type, e);
    }
  }

  private send(bytes: Uint8Array): void {
    const ws = this.ws;
    if (ws && ws.readyState === WebSocket.OPEN) {
      try {
        ws.send(bytes);
      } catch {
        // the close handler reconnects
      }
    }
  }
}
