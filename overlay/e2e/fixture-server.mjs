// A tiny stand-in for the daemon's overlay side, for browser tests of the page
// alone: serves dist/ and speaks the overlay WebSocket protocol (RFC 6455,
// MessagePack frames) with no dependencies beyond @msgpack/msgpack.
// The test drives it frame by frame, including malformed and out-of-order
// frames the real daemon never sends.
import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decode, encode } from '@msgpack/msgpack';

const DIST = fileURLToPath(new URL('../dist/', import.meta.url));
const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.wav': 'audio/wav',
};

/** A short sine beep as a 16-bit mono WAV, so audio elements have real media. */
export function beepWav(seconds = 3, hz = 660, rate = 22050) {
  const n = Math.round(seconds * rate);
  const buf = Buffer.alloc(44 + n * 2);
  buf.write('RIFF', 0); buf.writeUInt32LE(36 + n * 2, 4); buf.write('WAVE', 8);
  buf.write('fmt ', 12); buf.writeUInt32LE(16, 16); buf.writeUInt16LE(1, 20); buf.writeUInt16LE(1, 22);
  buf.writeUInt32LE(rate, 24); buf.writeUInt32LE(rate * 2, 28); buf.writeUInt16LE(2, 32); buf.writeUInt16LE(16, 34);
  buf.write('data', 36); buf.writeUInt32LE(n * 2, 40);
  for (let i = 0; i < n; i++) buf.writeInt16LE(Math.round(Math.sin((2 * Math.PI * hz * i) / rate) * 8000), 44 + i * 2);
  return buf;
}

export const STAR_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40" viewBox="0 0 200 40" preserveAspectRatio="none">
<defs><linearGradient id="g" x1="0" x2="1"><stop offset="0" stop-color="#ff5f6d"/><stop offset="0.5" stop-color="#ffc371"/><stop offset="1" stop-color="#47e891"/></linearGradient></defs>
<rect width="200" height="40" fill="url(#g)"/><g fill="rgba(255,255,255,0.35)"><rect x="0" y="0" width="10" height="40" transform="skewX(-20)"/>
<rect x="40" y="0" width="10" height="40" transform="skewX(-20)"/><rect x="80" y="0" width="10" height="40" transform="skewX(-20)"/>
<rect x="120" y="0" width="10" height="40" transform="skewX(-20)"/><rect x="160" y="0" width="10" height="40" transform="skewX(-20)"/>
<rect x="200" y="0" width="10" height="40" transform="skewX(-20)"/></g></svg>`;

const MEDIA = {
  '/media/bar.svg': { type: 'image/svg+xml', body: Buffer.from(STAR_SVG) },
  '/media/beep.wav': { type: 'audio/wav', body: beepWav() },
};

function frameHeader(opcode, length) {
  if (length < 126) return Buffer.from([0x80 | opcode, length]);
  if (length < 65536) {
    const b = Buffer.alloc(4);
    b[0] = 0x80 | opcode; b[1] = 126; b.writeUInt16BE(length, 2);
    return b;
  }
  const b = Buffer.alloc(10);
  b[0] = 0x80 | opcode; b[1] = 127; b.writeBigUInt64BE(BigInt(length), 2);
  return b;
}

/** One connected overlay. Events: 'message' (decoded client frame), 'close'. */
export class FixtureClient extends EventEmitter {
  constructor(socket, url) {
    super();
    this.socket = socket;
    this.url = url;
    this.received = [];
    this.closed = false;
    this.seq = 0;
    let pending = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      pending = Buffer.concat([pending, chunk]);
      for (;;) {
        const parsed = this.#parse(pending);
        if (!parsed) break;
        pending = pending.subarray(parsed.used);
        this.#onFrame(parsed.opcode, parsed.payload);
      }
    });
    const onGone = () => {
      if (this.closed) return;
      this.closed = true;
      this.emit('close');
    };
    socket.on('close', onGone);
    socket.on('error', onGone);
  }

  #parse(buf) {
    if (buf.length < 2) return null;
    const opcode = buf[0] & 0x0f;
    const masked = (buf[1] & 0x80) !== 0;
    let len = buf[1] & 0x7f;
    let off = 2;
    if (len === 126) { if (buf.length < 4) return null; len = buf.readUInt16BE(2); off = 4; }
    else if (len === 127) { if (buf.length < 10) return null; len = Number(buf.readBigUInt64BE(2)); off = 10; }
    const maskLen = masked ? 4 : 0;
    if (buf.length < off + maskLen + len) return null;
    const payload = Buffer.from(buf.subarray(off + maskLen, off + maskLen + len));
    if (masked) {
      const mask = buf.subarray(off, off + 4);
      for (let i = 0; i < payload.length; i++) payload[i] ^= mask[i & 3];
    }
    return { opcode, payload, used: off + maskLen + len };
  }

  #onFrame(opcode, payload) {
    if (opcode === 0x8) { this.close(); return; }
    if (opcode === 0x9) { this.#write(0xa, payload); return; }
    if (opcode !== 0x1 && opcode !== 0x2) return;
    let msg;
    try { msg = opcode === 0x2 ? decode(payload) : JSON.parse(payload.toString()); } catch { msg = { undecodable: true }; }
    this.received.push(msg);
    this.emit('message', msg);
  }

  #write(opcode, payload) {
    if (this.closed) return;
    this.socket.write(Buffer.concat([frameHeader(opcode, payload.length), payload]));
  }

  /** Sends `obj` as MessagePack with the next seq (unless obj.seq is given). */
  send(obj) {
    const frame = 'seq' in obj ? obj : { ...obj, seq: ++this.seq };
    if ('seq' in obj && typeof obj.seq === 'number') this.seq = obj.seq;
    this.#write(0x2, Buffer.from(encode(frame)));
    return frame.seq;
  }

  /** Raw bytes as a binary frame (for malformed-frame tests); counts a seq if asked. */
  sendRaw(bytes) {
    this.#write(0x2, Buffer.from(bytes));
  }

  snapshot(elements, activeDashboardId = 1) {
    return this.send({ type: 'snapshot', active_dashboard_id: activeDashboardId, elements });
  }

  update(action, element) {
    return this.send({ type: 'element_update', action, element });
  }

  /** Waits for a client frame matching `pred`. */
  waitFor(pred, timeoutMs = 10_000) {
    const hit = this.received.find(pred);
    if (hit) return Promise.resolve(hit);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => { this.off('message', on); reject(new Error('timed out waiting for client frame')); }, timeoutMs);
      const on = (m) => { if (pred(m)) { clearTimeout(t); this.off('message', on); resolve(m); } };
      this.on('message', on);
    });
  }

  close(code = 1000) {
    if (this.closed) return;
    const p = Buffer.alloc(2); p.writeUInt16BE(code, 0);
    this.#write(0x8, p);
    this.socket.end();
  }

  /** Drops the TCP connection without a close frame (daemon crash). */
  kill() {
    this.socket.destroy();
  }
}

/**
 * Starts the fixture on 127.0.0.1 (random port). `onClient(client)` runs for
 * each overlay connection; by default nothing is sent, the test decides.
 */
export async function startFixture({ onClient } = {}) {
  const emitter = new EventEmitter();
  const clients = [];
  const sockets = new Set();
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    let path = url.pathname;
    const media = MEDIA[path];
    if (media) {
      res.writeHead(200, { 'content-type': media.type, 'content-length': media.body.length });
      res.end(media.body);
      return;
    }
    if (path.endsWith('/')) path += 'index.html';
    const file = normalize(join(DIST, path));
    if (!file.startsWith(DIST)) { res.writeHead(403).end(); return; }
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  server.on('upgrade', (req, socket) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const key = req.headers['sec-websocket-key'];
    if (url.pathname !== '/ws' || typeof key !== 'string') { socket.destroy(); return; }
    const accept = createHash('sha1').update(key + WS_GUID).digest('base64');
    socket.write(
      'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        `Sec-WebSocket-Accept: ${accept}\r\n\r\n`,
    );
    socket.setNoDelay(true);
    const client = new FixtureClient(socket, url);
    clients.push(client);
    emitter.emit('client', client);
    onClient?.(client);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    base: `http://127.0.0.1:${port}`,
    clients,
    /** The next client to connect (or the latest if `already` and one exists). */
    nextClient(timeoutMs = 15_000) {
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error('no overlay connected')), timeoutMs);
        emitter.once('client', (c) => { clearTimeout(t); resolve(c); });
      });
    },
    async close() {
      for (const c of clients) c.kill();
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
