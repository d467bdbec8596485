// A view renders one element type inside its `.element` wrapper. The wrapper
// (ElementNode) owns placement, visibility and entrance/exit; views own the
// content and any one-shot effect (sound, video, confetti).
import type { StyleMap } from '../style';
import type { OverlayElement } from '../types';

export interface View {
  /** Content node; ElementNode applies opacity/typography/css to it. */
  readonly root: HTMLElement;
  /** Effects that cover the whole stage whatever their position. */
  readonly fullStage: boolean;
  /** Name of the effect drawn (animation/canvas elements), for `data-effect`; null otherwise. */
  readonly effect: string | null;
  /** Children of a `stack` go in here; null for every other type. */
  readonly container: HTMLElement | null;
  update(el: OverlayElement, first: boolean): void;
  /** The element became shown. */
  start(): void;
  /** trigger_id changed while shown: replay the one-shot effect. */
  restart(): void;
  /** Hide began (data-visible is already "false"); the exit animation runs now. */
  stop(): void;
  /** Exit animation done; the node is display:none. */
  hidden(): void;
  /** Deleted: release media, timers and listeners. */
  destroy(): void;
  /** The content node's style as the view wants it applied (default: unchanged). */
  adjustContentStyle(style: StyleMap): StyleMap;
  /** Set by the element node: the view changed its mind about adjustContentStyle. */
  onRestyle: (() => void) | null;
}

export abstract class BaseView implements View {
  abstract readonly root: HTMLElement;
  onRestyle: (() => void) | null = null;
  adjustContentStyle(style: StyleMap): StyleMap {
    return style;
  }
  get fullStage(): boolean {
    return false;
  }
  get effect(): string | null {
    return null;
  }
  get container(): HTMLElement | null {
    return null;
  }
  abstract update(el: OverlayElement, first: boolean): void;
  start(): void {}
  restart(): void {}
  stop(): void {}
  hidden(): void {}
  destroy(): void {}
}

/** Unknown element types: an empty node that still carries the data attributes. */
export class EmptyView extends BaseView {
  readonly root: HTMLElement;
  constructor(type: string) {
    super();
    this.root = document.createElement('div');
    this.root.className = `content content-${type.replace(/[^a-z0-9_-]/gi, '') || 'unknown'}`;
  }
  update(): void {}
}
