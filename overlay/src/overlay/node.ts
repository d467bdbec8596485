// One on-stage element: the `.element` wrapper with the DOM contract's data
// attributes, placement, visibility and entrance/exit animation. Content and
// one-shot effects are delegated to a View chosen by element_type.
import { applyStyle, h, prefersReducedMotion, setData } from './dom';
import { warn } from './log';
import { motionFor } from './motion';
import { deepEqual, isShown, triggerId } from './props';
import { contentStyle, type StyleMap, wrapperStyle } from './style';
import type { OverlayElement } from './types';
import { createView, type View } from './views';

export class ElementNode {
  readonly wrapper: HTMLDivElement;
  private view: View;
  private el: OverlayElement;
  private shown = false;
  private trigger: number | null = null;
  private wrapperApplied: StyleMap = {};
  private contentApplied: StyleMap = {};
  private anim: Animation | null = null;
  private exitTimer: ReturnType<typeof setTimeout> | null = null;
  /** Bumped on every show/hide so a late exit callback can't hide a re-shown node. */
  private generation = 0;
  private readonly reducedMotion = prefersReducedMotion();

  constructor(el: OverlayElement) {
    this.el = el;
    this.wrapper = h('div', 'element');
    this.wrapper.style.display = 'none';
    this.view = createView(el.element_type, this.reducedMotion);
    this.wrapper.append(this.view.root);
    this.apply(el, true);
  }

  get element(): OverlayElement {
    return this.el;
  }

  update(el: OverlayElement): void {
    if (deepEqual(el, this.el)) return; // unchanged in a snapshot: touch nothing
    const freshView = el.element_type !== this.el.element_type;
    if (freshView) this.replaceView(el);
    this.apply(el, freshView);
  }

  destroy(): void {
    this.generation++;
    this.clearExit();
    this.anim?.cancel();
    this.anim = null;
    try {
      this.view.destroy();
    } finally {
      this.wrapper.remove();
    }
  }

  private replaceView(el: OverlayElement): void {
    this.view.destroy();
    this.view.root.remove();
    this.view = createView(el.element_type, this.reducedMotion);
    this.wrapper.append(this.view.root);
    this.contentApplied = {};
  }

  private apply(el: OverlayElement, first: boolean): void {
    const w = this.wrapper;
    setData(w, 'elementId', String(el.id));
    setData(w, 'widgetId', String(el.widget_id));
    setData(w, 'name', el.name);
    setData(w, 'elementType', el.element_type);

    this.wrapperApplied = applyStyle(w, this.wrapperApplied, wrapperStyle(el.properties, this.view.fullStage));
    this.contentApplied = applyStyle(this.view.root, this.contentApplied, contentStyle(el.properties, el.element_type));
    this.safely('update', () => this.view.update(el, first));

    const shown = isShown(el);
    const trigger = triggerId(el);
    // data-visible is what the contract says is on screen: it flips now, the
    // exit animation plays afterwards.
    setData(w, 'visible', String(shown));
    const wasShown = this.shown;
    const prevTrigger = this.trigger;
    this.el = el;
    this.shown = shown;
    this.trigger = trigger;

    if (shown && !wasShown) {
      this.enter(el);
      this.safely('start', () => this.view.start());
    } else if (!shown && wasShown) {
      this.safely('stop', () => this.view.stop());
      this.exit(el);
    } else if (shown && first) {
      // element_type changed while on screen: the new view starts fresh.
      this.safely('start', () => this.view.start());
    } else if (shown && trigger !== prevTrigger) {
      this.safely('restart', () => this.view.restart());
    }
  }

  /** A failing view must not break visibility or placement of its element. */
  private safely(what: string, fn: () => void): void {
    try {
      fn();
    } catch (e) {
      warn(`${this.el.element_type} "${this.el.name}": ${what} failed`, e);
    }
  }

  private enter(el: OverlayElement): void {
    this.generation++;
    this.clearExit();
    this.anim?.cancel();
    this.anim = null;
    this.wrapper.style.removeProperty('display');
    const m = motionFor('entrance', el.behavior, { reducedMotion: this.reducedMotion, fadeOnly: this.view.fullStage });
    if (!m) return;
    try {
      this.anim = this.wrapper.animate(m.keyframes, { duration: m.duration, easing: m.easing });
    } catch (e) {
      warn(`entrance animation failed for "${el.name}"`, e);
    }
  }

  private exit(el: OverlayElement): void {
    const gen = ++this.generation;
    this.clearExit();
    this.anim?.cancel();
    this.anim = null;
    const done = (): void => {
      if (gen !== this.generation) return;
      this.clearExit();
      this.wrapper.style.display = 'none';
      this.anim?.cancel(); // drop the fill-forwards effect; the node is already display:none
      this.anim = null;
      this.safely('hidden', () => this.view.hidden());
    };
    const m = motionFor('exit', el.behavior, { reducedMotion: this.reducedMotion, fadeOnly: this.view.fullStage });
    if (!m) {
      done();
      return;
    }
    try {
      const anim = this.wrapper.animate(m.keyframes, { duration: m.duration, easing: m.easing, fill: 'forwards' });
      anim.onfinish = done;
      this.anim = anim;
    } catch (e) {
      warn(`exit animation failed for "${el.name}"`, e);
      done();
      return;
    }
    // Animations can stall when OBS throttles a hidden source: never leave a
    // hidden element half-faded on screen.
    this.exitTimer = setTimeout(done, m.duration + 250);
  }

  private clearExit(): void {
    if (this.exitTimer !== null) {
      clearTimeout(this.exitTimer);
      this.exitTimer = null;
    }
  }
}
