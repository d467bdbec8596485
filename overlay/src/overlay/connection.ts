// The overlay's WebSocket: connect, decode MessagePack frames, enforce the
// gap-free seq (resync on a gap), keepalive, and reconnect forever with
// capped exponential backoff.
import { Decoder, encode } from '@msgpack/msgpack';
import { backoffDelay } from './backoff';
import { info, warn } from './log';
import { isDict } from './props';
import { parseFrame } from './protocol';
import { SeqTracker } from './seq';
import type { Frame } from './types';

export const PING_EVERY_MS = 20_000;
/** A socket stuck connecting (half-open network) is abandoned after this. */
export const CONNECT_TIMEOUT_MS = 10_000;
/** No snapshot this long after connecting or asking for a resync: reconnect. */
export const SNAPSHOT_TIMEOUT_MS = 5_000;

export interface ConnectionHooks {
  /** A frame that passed the seq check (snapshots always do). */
  onFrame(frame: Frame): void;
  /** Connected = socket open and a snapshot applied. */
  onConnected(connected: boolean): void;
  onSeq(seq: number): void;
  /** Every applied frame as decoded, for clients (the admin) that read more fields than the overlay. */
  onRaw?(raw: Record<string, unknown>): void;
}

const PING = encode({ type: 'ping' });
const RESYNC = encode({ type: 'resync' });

export function overlayUrl(loc: Pick<Location, 'protocol' | 'host' | 'search'>): string {
  const scheme = loc.protocol === 'https:' ? 'wss' : 'ws';
  let url = `${scheme}://${loc.host}/ws?client_type=overlay`;
  const instance = new URLSearchParams(loc.search).get('instance');
  if (instance) url += `&instance=${encodeURIComponent(instance)}`;
  return url;
}

export class OverlayConnection {
  private ws: WebSocket | null = null;
  private attempt = 0;
  private readonly tracker = new SeqTracker();
  private readonly decoder = new Decoder();
  private pingTimer: ReturnType<typeof setInterval> | null = null;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private connectTimer: ReturnType<typeof setTimeout> | null = null;
  private snapshotTimer: ReturnType<typeof setTimeout> | null = null;
  private connected = false;

  constructor(
    /** A function when the URL can change between connects (the admin's token). */
    private readonly url: string | (() => string),
    private readonly hooks: ConnectionHooks,
  ) {}

  start(): void {
    if (!this.ws && this.reconnectTimer === null) this.connect();
  }

  /** Drops the connection (if any) and connects again at once, e.g. with a new token. */
  restart(): void {
    const ws = this.ws;
    if (ws) {
      ws.close();
      this.onClosed(ws);
    }
    if (this.reconnectTimer !== null) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    this.attempt = 0;
    this.connect();
  }

  private connect(): void {
    this.reconnectTimer = null;
    let ws: WebSocket;
    try {
      ws = new WebSocket(typeof this.url === 'function' ? this.url() : this.url);
    } catch (e) {
      warn('cannot open WebSocket', e);
      this.scheduleReconnect();
      return;
    }
    ws.binaryType = 'arraybuffer';
    this.ws = ws;
    this.tracker.reset();

    this.connectTimer = setTimeout(() => {
      if (this.ws === ws && ws.readyState === WebSocket.CONNECTING) {
        warn('connect timed out');
        ws.close();
        this.onClosed(ws);
      }
    }, CONNECT_TIMEOUT_MS);

    ws.onopen = () => {
      if (this.ws !== ws) return;
      this.clear('connect');
      this.pingTimer = setInterval(() => this.send(PING), PING_EVERY_MS);
      this.armSnapshotWatchdog();
    };
    ws.onmessage = (ev: MessageEvent) => {
      if (this.ws === ws) this.onMessage(ev.data);
    };
    ws.onerror = () => {
      // Always followed by close; the close handler reconnects.
    };
    ws.onclose = (ev: CloseEvent) => {
      if (this.ws !== ws) return;
      if (this.connected) info(`disconnected (code ${ev.code}); reconnecting`);
      this.onClosed(ws);
    };
  }

  private onClosed(ws: WebSocket): void {
    if (this.ws !== ws) return;
    ws.onopen = ws.onmessage = ws.onerror = ws.onclose = null;
    this.ws = null;
    this.clear('connect');
    this.clear('ping');
    this.clear('snapshot');
    this.setConnected(false);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.reconnectTimer !== null) return;
    const delay = backoffDelay(this.attempt++);
    this.reconnectTimer = setTimeout(() => this.connect(), delay);
  }

  private onMessage(data: unknown): void {
    let raw: unknown;
    try {
      if (data instanceof ArrayBuffer) raw = this.decoder.decode(new Uint8Array(data));
      // Binary is the protocol; JSON text is accepted as a debugging convenience.
      else if (typeof data === 'string') raw = JSON.parse(data);
      else throw new Error(`unsupported frame data ${typeof data}`);
    } catch (e) {
      warn('undecodable frame ignored', e);
      return;
    }

    const frame = parseFrame(raw);
    if (frame.type === 'invalid') {
      warn(`malformed frame ignored: ${frame.reason}`);
      if (isDict(raw) && raw.type === 'snapshot') {
        // A snapshot we can't use leaves our state unknown: ask again.
        this.requestResync();
        return;
      }
      // Keep counting its seq so it does not look like a gap.
      if (this.tracker.accept(false, frame.seq) === 'resync') this.requestResync();
      else if (!this.tracker.awaitingSnapshot && frame.seq !== null) this.hooks.onSeq(frame.seq);
      return;
    }

    const verdict = this.tracker.accept(frame.type === 'snapshot', frame.seq);
    if (verdict === 'resync') {
      warn(`seq gap (got ${String(frame.seq)}); resyncing`);
      this.requestResync();
      return;
    }
    if (verdict === 'ignore') return;

    if (frame.type === 'snapshot') {
      this.clear('snapshot');
      this.attempt = 0; // a good connection: next outage starts from the short delay
    }
    try {
      this.hooks.onFrame(frame);
      if (this.hooks.onRaw && isDict(raw)) this.hooks.onRaw(raw);
    } catch (e) {
      warn(`applying ${frame.type} failed`, e);
    }
    if (frame.seq !== null) this.hooks.onSeq(frame.seq);
    if (frame.type === 'snapshot') this.setConnected(true);
  }

  private requestResync(): void {
    this.tracker.reset();
    this.send(RESYNC);
    this.armSnapshotWatchdog();
  }

  private armSnapshotWatchdog(): void {
    this.clear('snapshot');
    const ws = this.ws;
    this.snapshotTimer = setTimeout(() => {
      if (ws && this.ws === ws && this.tracker.awaitingSnapshot) {
        warn('no snapshot received; reconnecting');
        ws.close();
        this.onClosed(ws);
      }
    }, SNAPSHOT_TIMEOUT_MS);
  }

  private send(bytes: Uint8Array): void {
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return;
    try {
      ws.send(bytes);
    } catch (e) {
      warn('send failed', e);
    }
  }

  private setConnected(v: boolean): void {
    if (this.connected === v) return;
    this.connected = v;
    this.hooks.onConnected(v);
  }

  private clear(which: 'connect' | 'ping' | 'snapshot'): void {
    if (which === 'connect' && this.connectTimer !== null) {
      clearTimeout(this.connectTimer);
      this.connectTimer = null;
    } else if (which === 'ping' && this.pingTimer !== null) {
      clearInterval(this.pingTimer);
      this.pingTimer = null;
    } else if (which === 'snapshot' && this.snapshotTimer !== null) {
      clearTimeout(this.snapshotTimer);
      this.snapshotTimer = null;
    }
  }
}
