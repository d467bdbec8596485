import { autoplayBlocked, forgetRetry, isAutoplayError } from '../autoplay';
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

export class VideoView extends PlaybackView<HTMLVideoElement> {
  readonly root = h('div', 'content content-video');
  protected readonly role = 'video' as const;
  protected createMedia(): HTMLVideoElement {
    const v = h('video', 'media-video');
    v.playsInline = true;
    v.disablePictureInPicture = true;
    return v;
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
