import { h } from '../dom';
import { warn } from '../log';
import { bool, clamp, mediaFor, num } from '../props';
import type { OverlayElement } from '../types';
import { BaseView } from './base';

/**
 * Shared audio/video behaviour: plays from the start when shown or
 * re-triggered, stops on hide, releases the media on delete.
 */
abstract class PlaybackView<M extends HTMLMediaElement> extends BaseView {
  protected media: M | null = null;
  private shown = false;
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
    this.configure(m, el);
    // Media assigned while already on screen: start it now.
    if (fresh && this.shown) this.play();
  }

  protected configure(_m: M, _el: OverlayElement): void {}

  override start(): void {
    this.shown = true;
    this.play();
  }

  override restart(): void {
    this.play();
  }

  override stop(): void {
    this.shown = false;
  }

  protected play(): void {
    const m = this.media;
    if (!m) return;
    try {
      m.currentTime = 0;
      const p = m.play();
      // Autoplay policy (a browser without the OBS flag) rejects here: log, keep going.
      if (p) p.catch((e: unknown) => warn(`${this.role} "${this.name}" did not play`, e instanceof Error ? e.name : e));
    } catch (e) {
      warn(`${this.role} "${this.name}" did not play`, e);
    }
  }

  protected halt(): void {
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

export class VideoView extends PlaybackView<HTMLVideoElement> {
  readonly root = h('div', 'content content-video');
  protected readonly role = 'video' as const;
  protected createMedia(): HTMLVideoElement {
    const v = h('video', 'media-video');
    v.playsInline = true;
    v.disablePictureInPicture = true;
    return v;
  }
  protected override configure(v: HTMLVideoElement, el: OverlayElement): void {
    v.muted = bool(el.properties.muted) === true;
  }
  override hidden(): void {
    // Keeps playing through the exit fade, stops once it is off screen.
    this.halt();
  }
}
