import { h, setData, setText } from '../dom';
import { warn } from '../log';
import { dict, mediaFor, num, str } from '../props';
import { progressSpec, type ProgressSpec } from '../progress';
import type { OverlayElement } from '../types';
import { BaseView } from './base';

const DEFAULT_BAR = { width: 600, height: 44 };

/** `properties.src`: a built-in icon as a `data:image/…` URI (never a remote address). */
export function inlineSrc(v: unknown): string | null {
  const s = str(v)?.trim();
  return s && /^data:image\/(svg\+xml|png|webp|gif|jpeg)[;,]/.test(s) ? s : null;
}

function cssUrl(url: string): string {
  return `url("${url.replace(/["\\\n\r]/g, (c) => `\\${c.charCodeAt(0).toString(16)} `)}")`;
}

interface Bar {
  root: HTMLDivElement;
  fill: HTMLDivElement;
  label: HTMLDivElement;
}

/**
 * An <img> for media role "image" (else the built-in icon in `src`), or a progress bar when `progress` is set
 * (its fill shows the image when one is assigned, else a solid color).
 * Without media and progress it renders nothing.
 */
export class ImageView extends BaseView {
  readonly root = h('div', 'content content-image');
  private img: HTMLImageElement | null = null;
  private bar: Bar | null = null;
  private name = '';

  update(el: OverlayElement): void {
    this.name = el.name;
    const url = mediaFor(el, 'image')?.url ?? inlineSrc(el.properties.src);
    const progress = progressSpec(el.properties);
    if (progress) {
      this.dropImg();
      this.renderBar(progress, url, el);
    } else {
      this.dropBar();
      this.renderImg(url);
    }
  }

  private renderImg(url: string | null): void {
    if (!url) {
      this.dropImg();
      return;
    }
    if (!this.img) {
      const img = h('img', 'media-image');
      img.alt = '';
      img.draggable = false;
      img.decoding = 'async';
      img.loading = 'eager'; // media is loaded up front so a show is instant
      img.onerror = () => warn(`image for "${this.name}" failed to load`, img.currentSrc || img.src);
      this.img = img;
      this.root.append(img);
    }
    if (this.img.getAttribute('src') !== url) this.img.src = url;
  }

  private dropImg(): void {
    if (!this.img) return;
    this.img.onerror = null;
    this.img.removeAttribute('src');
    this.img.remove();
    this.img = null;
  }

  private renderBar(p: ProgressSpec, url: string | null, el: OverlayElement): void {
    if (!this.bar) {
      const root = h('div', 'progress');
      const track = h('div', 'progress-track');
      const fill = h('div', 'progress-fill');
      const label = h('div', 'progress-label');
      track.append(fill);
      root.append(track, label);
      this.root.append(root);
      this.bar = { root, fill, label };
    }
    const { root, fill, label } = this.bar;
    const size = dict(el.properties.size);
    const width = num(size.width);
    const height = num(size.height);
    // Without a size the wrapper would collapse to nothing: use a sensible bar.
    root.style.width = width === undefined ? `${DEFAULT_BAR.width}px` : '';
    root.style.height = height === undefined ? `${DEFAULT_BAR.height}px` : '';

    setData(fill, 'percent', String(p.percent));
    fill.style.width = `${p.percent}%`;
    if (url) {
      // The image spans the whole track so the fill reveals it instead of squashing it.
      const trackWidth = width ?? DEFAULT_BAR.width;
      fill.style.background = `${cssUrl(url)} left center / ${trackWidth}px 100% no-repeat`;
      fill.classList.add('has-image');
    } else {
      fill.style.background = p.color;
      fill.classList.remove('has-image');
    }
    if (p.trackColor) root.style.setProperty('--sh-track', p.trackColor);
    else root.style.removeProperty('--sh-track');
    setText(label, p.label ?? '');
    label.hidden = !p.label;
  }

  private dropBar(): void {
    this.bar?.root.remove();
    this.bar = null;
  }

  override destroy(): void {
    this.dropImg();
    this.dropBar();
  }
}
