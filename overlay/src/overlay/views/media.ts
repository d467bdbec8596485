import { autoplayBlocked, forgetRetry, isAutoplayError } from '../autoplay';
import { h } from '../dom';
import { warn } from '../log';
import { bool, clamp, mediaFor, num } from '../props';
import type { StyleMap } from '../style';
import type { OverlayElement } from '../types';
import { BaseView } from './base';

/**
 * Shared audio/video behaviour: plays from the start when shown or
 * re-triggered, stops on hide, releases the media on delete.
 */
abstract class PlaybackView<M extends HTMLMediaElement> extends BaseView {
  protected media: M | null = null;
  protected shown = false;
  /** `properties.autoplay` (default true): play when shown; else only on a new trigger_id. */
  private autoplay = true;
  private name = '';
  protected abstract readonly role: 'audio' | 'video';
  protected abstract createMedia(): M;

  update(el: OverlayElement): void {
    this.name = el.name;
    const url = mediaFor(el, this.role)?.url ?? null;
    if (!url) {
      this.release();
      return;
    }
    let fresh = false;
    if (!this.media) {
      const m = this.createMedia();
      m.preload = 'auto';
      m.onerror = () => warn(`${this.role} for "${this.name}" failed to load`, m.currentSrc || m.src);
      this.media = m;
      this.root.append(m);
    }
    const m = this.media;
    if (m.getAttribute('src') !== url) {
      m.src = url;
      fresh = true;
    }
    m.volume = clamp(num(el.properties.volume) ?? 1, 0, 1);
    m.loop = bool(el.properties.loop) === true;
    this.autoplay = bool(el.properties.autoplay) !== false;
    this.configure(m, el);
    // Media assigned while already on screen: start it now.
    if (fresh && this.shown && this.autoplay && !this.held()) this.play();
  }

  protected configure(_m: M, _el: OverlayElement): void {}

  /** Paused by the server (video `paused`): shown, but not playing. */
  protected held(): boolean {
    return false;
  }

  override start(): void {
    this.shown = true;
    if (this.autoplay && !this.held()) this.play();
  }

  override restart(): void {
    this.play();
  }

  override stop(): void {
    this.shown = false;
  }

  /** Plays from the start, or from where it is (`fromStart` false: a resume). */
  protected play(fromStart = true): void {
    const m = this.media;
    if (!m) return;
    try {
      if (fromStart) m.currentTime = 0;
      const p = m.play();
      // Autoplay policy (a normal browser tab) rejects here: show the hint, retry after a click.
      if (p) {
        p.catch((e: unknown) => {
          if (isAutoplayError(e)) autoplayBlocked(this.retry);
          else warn(`${this.role} "${this.name}" did not play`, e instanceof Error ? e.name : e);
        });
      }
    } catch (e) {
      warn(`${this.role} "${this.name}" did not play`, e);
    }
  }

  private readonly retry = (): void => {
    if (this.shown) this.play();
  };

  protected halt(): void {
    forgetRetry(this.retry);
    const m = this.media;
    if (!m) return;
    m.pause();
    try {
      m.currentTime = 0;
    } catch {
      // No metadata yet: nothing to rewind.
    }
  }

  private release(): void {
    forgetRetry(this.retry);
    const m = this.media;
    if (!m) return;
    m.pause();
    m.onerror = null;
    // Dropping src and calling load() frees the decoder and network buffers.
    m.removeAttribute('src');
    m.load();
    m.remove();
    this.media = null;
  }

  override destroy(): void {
    this.shown = false;
    this.release();
  }
}

export class AudioView extends PlaybackView<HTMLAudioElement> {
  readonly root = h('div', 'content content-audio');
  protected readonly role = 'audio' as const;
  protected createMedia(): HTMLAudioElement {
    return h('audio');
  }
  override stop(): void {
    super.stop();
    this.halt(); // sound stops the moment the element is hidden
  }
}

/** `filter: drop-shadow(x y blur color)` with px (or unitless 0) lengths, as the widgets write it. */
export function parseDropShadow(v: unknown): { x: number; y: number; blur: number; color: string } | null {
  if (typeof v !== 'string') return null;
  const m = /^drop-shadow\(\s*(-?\d*\.?\d+)(?:px)?\s+(-?\d*\.?\d+)(?:px)?\s+(\d*\.?\d+)(?:px)?\s+(rgba?\([^()]*\)|#[0-9a-f]{3,8}|[a-z]+)\s*\)$/i.exec(v.trim());
  if (!m) return null;
  const [x, y, blur] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (![x, y, blur].every(Number.isFinite)) return null;
  return { x, y, blur, color: m[4] as string };
}

/** Where an `object-fit: contain` picture of `vw`x`vh` lands in a `bw`x`bh` box. */
export function containRect(vw: number, vh: number, bw: number, bh: number): { left: number; top: number; width: number; height: number } {
  const k = Math.min(bw / vw, bh / vh);
  const width = vw * k;
  const height = vh * k;
  return { left: (bw - width) / 2, top: (bh - height) / 2, width, height };
}

/** Alpha at or above this counts as opaque when probing a video's frames. */
const OPAQUE_ALPHA = 250;

export class VideoView extends PlaybackView<HTMLVideoElement> {
  readonly root = h('div', 'content content-video');
  protected readonly role = 'video' as const;
  /**
   * A drop-shadow filter on a video is applied by the compositor on every frame the video
   * (or anything near it) changes, which without a GPU costs a blur per frame. When the
   * video is opaque, the shadow of its picture is the shadow of a rectangle: a still
   * box-shadow behind the picture draws the same thing once. Videos with transparency keep
   * the filter (their shadow follows the picture).
   */
  private shadow: ReturnType<typeof parseDropShadow> = null;
  private box: { width: number; height: number } | null = null;
  /** Whether the current video's frames are opaque; null until known. */
  private opaque: boolean | null = null;
  private shadowNode: HTMLDivElement | null = null;
  private looks = { opaque: 0, transparent: 0, tries: 0, transparentAt: -1 };
  private probeTimer: ReturnType<typeof setTimeout> | null = null;

  protected createMedia(): HTMLVideoElement {
    const v = h('video', 'media-video');
    v.playsInline = true;
    v.disablePictureInPicture = true;
    // Probed once it has a frame (see probe): the filter stays until the picture is known opaque.
    v.addEventListener('loadeddata', () => this.probe(v));
    v.addEventListener('playing', () => {
      if (this.opaque !== null || this.probeTimer !== null) return;
      this.looks.tries = 0; // undecided while it stood still: look again now that it plays
      this.probe(v);
    });
    v.addEventListener('emptied', () => {
      this.stopProbing();
      this.looks = { opaque: 0, transparent: 0, tries: 0, transparentAt: -1 };
      if (this.opaque !== null) {
        this.opaque = null;
        this.onRestyle?.();
      }
    });
    return v;
  }

  override adjustContentStyle(style: StyleMap): StyleMap {
    const rect = this.shadowRect();
    if (!rect || !this.shadow || style.filter === undefined || parseDropShadow(style.filter) === null) {
      this.dropShadowNode();
      return style;
    }
    const node = this.shadowNode ?? h('div', 'video-shadow');
    this.shadowNode = node;
    if (node.parentNode !== this.root) this.root.prepend(node);
    const { x, y, blur, color } = this.shadow;
    const css: Record<string, string> = {
      left: `${rect.left}px`, top: `${rect.top}px`, width: `${rect.width}px`, height: `${rect.height}px`,
      // drop-shadow(…B…) looks like box-shadow(…2B…): the two take their blur length differently.
      'box-shadow': `${x}px ${y}px ${blur * 2}px ${color}`,
    };
    for (const [k, v] of Object.entries(css)) if (node.style.getPropertyValue(k) !== v) node.style.setProperty(k, v);
    const rest = { ...style };
    delete rest.filter;
    return rest;
  }

  /** The picture's rect in the element box, when the box has a size and the video is opaque. */
  private shadowRect(): ReturnType<typeof containRect> | null {
    const v = this.media;
    if (this.opaque !== true || !this.box || !v || !v.videoWidth || !v.videoHeight) return null;
    return containRect(v.videoWidth, v.videoHeight, this.box.width, this.box.height);
  }

  /**
   * Looks at one frame, downscaled, every quarter second from loadeddata (and again from
   * each start of playback) until it is decided, 10 s at most each time: opaque after three
   * opaque looks, transparent after transparent pixels on two different frames. Until then,
   * and for good when transparent, the filter stays.
   */
  private probe(v: HTMLVideoElement): void {
    this.stopProbing();
    if (v !== this.media || !this.shadow || this.opaque !== null) return;
    if (v.readyState >= 2) {
      let min = 255;
      let max = 0;
      try {
        const c = document.createElement('canvas');
        c.width = c.height = 16;
        const g = c.getContext('2d', { willReadFrequently: true });
        if (!g) return;
        g.drawImage(v, 0, 0, 16, 16);
        const d = g.getImageData(0, 0, 16, 16).data;
        for (let i = 3; i < d.length; i += 4) {
          min = Math.min(min, d[i] as number);
          max = Math.max(max, d[i] as number);
        }
      } catch {
        this.opaque = false; // e.g. a cross-origin video: keep the filter
        return;
      }
      // Transparent on two different frames: a first frame can be drawn half-decoded. An
      // alpha channel that is lossily coded but meant opaque reads 250..255: that is opaque.
      if (max > 0 && min < OPAQUE_ALPHA && v.currentTime !== this.looks.transparentAt) {
        this.looks.transparentAt = v.currentTime;
        if (++this.looks.transparent >= 2) {
          this.opaque = false;
          return;
        }
      }
      if (min >= OPAQUE_ALPHA && ++this.looks.opaque >= 3) {
        this.opaque = true;
        this.onRestyle?.();
        return;
      }
    }
    if (++this.looks.tries < 40) this.probeTimer = setTimeout(() => this.probe(v), 250);
  }

  private stopProbing(): void {
    if (this.probeTimer !== null) clearTimeout(this.probeTimer);
    this.probeTimer = null;
  }

  override destroy(): void {
    this.stopProbing();
    super.destroy();
  }

  private dropShadowNode(): void {
    this.shadowNode?.remove();
    this.shadowNode = null;
  }
  private hideOnEnd = false;
  private paused = false;
  /** Set by the element node: hides the element locally (the server is not told). */
  onEnded: (() => void) | null = null;

  protected override held(): boolean {
    return this.paused;
  }

  protected override configure(v: HTMLVideoElement, el: OverlayElement): void {
    const p = el.properties;
    const css = p.css;
    const shadow = css && typeof css === 'object' && !Array.isArray(css) ? parseDropShadow((css as Record<string, unknown>).filter) : null;
    if (JSON.stringify(shadow) !== JSON.stringify(this.shadow)) {
      this.shadow = shadow;
      if (shadow && this.opaque === null && this.probeTimer === null && v.readyState >= 2) this.probe(v);
    }
    const size = p.size && typeof p.size === 'object' ? (p.size as Record<string, unknown>) : {};
    const bw = num(size.width);
    const bh = num(size.height);
    this.box = bw !== undefined && bh !== undefined && bw > 0 && bh > 0 ? { width: bw, height: bh } : null;
    // `paused`: hold the current frame; un-pausing resumes from there, not from the start.
    const paused = bool(p.paused) === true;
    if (paused !== this.paused) {
      this.paused = paused;
      if (paused) v.pause();
      else if (this.shown) this.play(false);
    }
    this.root.dataset.paused = String(paused);
    // Autoplay with sound is allowed in OBS; `muted` is the streamer's choice.
    v.muted = bool(p.muted) === true;
    v.autoplay = false; // played on show, from the start
    this.hideOnEnd = bool(p.hide_on_end) === true;
    // A looping video never ends.
    if (this.hideOnEnd) v.loop = false;
    v.onended = () => {
      if (this.hideOnEnd && this.shown) this.onEnded?.();
    };
  }
  override hidden(): void {
    // Keeps playing through the exit fade, stops once it is off screen.
    this.halt();
  }
}
