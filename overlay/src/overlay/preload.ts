// Eager media preloading: every URL in an element's media_details is fetched
// and readied as soon as the element is known (snapshot or update), so a show
// never waits on the network. Images are decoded, audio/video buffered
// (preload=auto). A URL that fails is logged once and remembered as failed;
// the element then renders its no-media fallback.
import { warn } from './log';
import type { MediaDetail, OverlayElement } from './types';

export type MediaState = 'loading' | 'ready' | 'failed';

interface Entry {
  state: MediaState;
  done: Promise<boolean>;
  img?: HTMLImageElement;
}

/** Buffering a long video fully is not the goal: ready to play through is. */
const MEDIA_READY_TIMEOUT_MS = 15_000;
/** Distinct URLs remembered; the oldest settled ones are forgotten beyond this. */
const MAX_ENTRIES = 300;

const entries = new Map<string, Entry>();
/** Files still loading; published as body[data-media-pending] for tests and benchmarks. */
let pending = 0;

function publishPending(delta: number): void {
  pending += delta;
  if (typeof document !== 'undefined' && document.body) document.body.dataset.mediaPending = String(pending);
}

function kindOf(m: MediaDetail): 'image' | 'audio' | 'video' {
  const t = m.mime_type.toLowerCase();
  if (t.startsWith('audio/')) return 'audio';
  if (t.startsWith('video/')) return 'video';
  if (t.startsWith('image/')) return 'image';
  if (/\.(mp3|wav|ogg|oga|m4a|aac|flac)(\?|$)/i.test(m.url)) return 'audio';
  if (/\.(mp4|webm|mov|m4v)(\?|$)/i.test(m.url)) return 'video';
  return 'image';
}

function loadImage(url: string, entry: Entry): Promise<boolean> {
  const img = new Image();
  img.decoding = 'async';
  entry.img = img;
  img.src = url;
  // decode() resolves once the image can be painted without a decode hitch.
  return img.decode().then(
    () => true,
    () => new Promise<boolean>((resolve) => {
      // decode() rejects for some valid images (e.g. SVG without size in old Chromium): trust load.
      if (img.complete && img.naturalWidth > 0) resolve(true);
      else if (img.complete) resolve(false);
      else {
        img.onload = () => resolve(true);
        img.onerror = () => resolve(false);
      }
    }),
  );
}

function loadMedia(url: string, kind: 'audio' | 'video'): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const m = document.createElement(kind);
    m.preload = 'auto';
    m.muted = true;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const finish = (ok: boolean): void => {
      if (timer !== null) clearTimeout(timer);
      m.oncanplaythrough = m.onerror = null;
      // The element only warmed the cache; the view plays its own.
      m.removeAttribute('src');
      m.load();
      resolve(ok);
    };
    m.oncanplaythrough = () => finish(true);
    m.onerror = () => finish(false);
    timer = setTimeout(() => finish(true), MEDIA_READY_TIMEOUT_MS);
    m.src = url;
    m.load();
  });
}

function evict(): void {
  if (entries.size <= MAX_ENTRIES) return;
  for (const [url, e] of entries) {
    if (entries.size <= MAX_ENTRIES) break;
    if (e.state !== 'loading') entries.delete(url);
  }
}

/** Starts (or joins) the preload of one media file; resolves true when usable. */
export function preloadMedia(m: MediaDetail): Promise<boolean> {
  const known = entries.get(m.url);
  if (known) return known.done;
  const entry: Entry = { state: 'loading', done: Promise.resolve(false) };
  const kind = kindOf(m);
  publishPending(1);
  entry.done = (kind === 'image' ? loadImage(m.url, entry) : loadMedia(m.url, kind)).then((ok) => {
    publishPending(-1);
    entry.state = ok ? 'ready' : 'failed';
    if (!ok) {
      entry.img = undefined;
      warn(`${kind} ${m.url} (role "${m.role}") could not be loaded; the element shows its fallback`);
    }
    return ok;
  });
  entries.set(m.url, entry);
  evict();
  return entry.done;
}

/** Preloads all of an element's media; resolves once every file settled. */
export function preloadElement(el: OverlayElement): Promise<boolean> {
  if (el.media_details.length === 0) return Promise.resolve(true);
  return Promise.all(el.media_details.map(preloadMedia)).then((r) => r.every(Boolean));
}

/** Whether everything this element references has settled (loaded or failed). */
export function mediaSettled(el: OverlayElement): boolean {
  return el.media_details.every((m) => {
    const e = entries.get(m.url);
    return e !== undefined && e.state !== 'loading';
  });
}

export function mediaState(url: string): MediaState | undefined {
  return entries.get(url)?.state;
}

/** A decoded image for `url`, when it has been preloaded successfully. */
export function loadedImage(url: string): HTMLImageElement | undefined {
  const e = entries.get(url);
  return e?.state === 'ready' ? e.img : undefined;
}
