// One on-stage element: the `.element` wrapper with the DOM contract's data
// attributes, placement, visibility, entrance/exit (with delay and easing)
// and the loop animation while shown. Content and one-shot effects are
// delegated to a View chosen by element_type.
import { applyStyle, h, prefersReducedMotion, setData } from './dom';
import { warn } from './log';
import { loopFor, motionFor } from './motion';
import { mediaSettled, preloadElement } from './preload';
import { deepEqual, isShown, triggerId } from './props';
import { contentStyle, type StyleMap, wrapperStyle } from './style';
import type { OverlayElement } from './types';
import { createView, VideoView, type View } from './views';

/** A show waits at most this long for media still loading, then goes on without it. */
export const PRELOAD_WAIT_MS = 3000;

export class ElementNode {
  readonly wrapper: HTMLDivElement;
  private view: View;
  private el: OverlayElement;
  private shown = false;
  private trigger: number | null = null;
  private wrapperApplied: StyleMap = {};
  private contentApplied: StyleMap = {};
  private anim: Animation | null = null;
  private loop: Animation | null = null;
  private loopKey = '';
  private exitTimer: ReturnType<typeof setTimeout> | null = null;
  private waitTimer: ReturnType<typeof setTimeout> | null = null;
  /** Bumped on every show/hide so a late callback can't act on a newer state. */
  private generation = 0;
  private inStack = false;
  private stackOrder: number | null = null;
  /** A video with hide_on_end finished: hidden here until the server shows or re-triggers it. */
  private ended = false;
  private readonly reducedMotion = prefersReducedMotion();

  constructor(el: OverlayElement) {
    this.el = el;
    this.wrapper = h('div', 'element');
    this.wrapper.style.display = 'none';
    this.view = this.makeView(el.element_type);
    this.wrapper.append(this.view.root);
    void preloadElement(el);
    this.apply(el, true);
  }

  get element(): OverlayElement {
    return this.el;
  }

  /** Where `stack` children go; null unless this is a stack. */
  get container(): HTMLElement | null {
    return this.view.container;
  }

  update(el: OverlayElement): void {
    if (deepEqual(el, this.el)) return; // unchanged in a snapshot: touch nothing
    if (!deepEqual(el.media_details, this.el.media_details)) void preloadElement(el);
    const freshView = el.element_type !== this.el.element_type;
    if (freshView) this.replaceView(el);
    this.apply(el, freshView);
  }

  /** Placed in a stack (x/y ignored, `order` from the stack) or back on the stage. */
  setStacked(inStack: boolean, order: number | null): void {
    if (inStack === this.inStack && order === this.stackOrder) return;
    this.inStack = inStack;
    this.stackOrder = order;
    this.wrapper.classList.toggle('in-stack', inStack);
    if (order === null) this.wrapper.style.removeProperty('order');
    else this.wrapper.style.setProperty('order', String(order));
    this.wrapperApplied = applyStyle(this.wrapper, this.wrapperApplied, wrapperStyle(this.el.properties, this.view.fullStage, inStack));
  }

  destroy(): void {
    this.generation++;
    this.clearWait();
    this.clearExit();
    this.anim?.cancel();
    this.anim = null;
    this.stopLoop();
    try {
      this.view.destroy();
    } finally {
      this.wrapper.remove();
    }
  }

  private makeView(type: string): View {
    const view = createView(type, this.reducedMotion);
    if (view instanceof VideoView) view.onEnded = () => this.endedLocally();
    view.onRestyle = () => {
      if (this.view === view) this.applyContentStyle(this.el);
    };
    return view;
  }

  private replaceView(el: OverlayElement): void {
    const kids = this.view.container ? [...this.view.container.children] : [];
    this.view.destroy();
    this.view.root.remove();
    this.view = this.makeView(el.element_type);
    this.wrapper.append(this.view.root);
    // A stack that stopped being one: its children are re-homed by the renderer.
    if (this.view.container) this.view.container.append(...kids);
    this.contentApplied = {};
  }

  private apply(el: OverlayElement, first: boolean): void {
    const w = this.wrapper;
    setData(w, 'elementId', String(el.id));
    setData(w, 'widgetId', String(el.widget_id));
    setData(w, 'name', el.name);
    setData(w, 'elementType', el.element_type);

    // The view first: it decides whether it covers the whole stage.
    this.safely('update', () => this.view.update(el, first));
    const effect = this.view.effect;
    if (effect) setData(w, 'effect', effect);
    else if (w.dataset.effect !== undefined) delete w.dataset.effect;
    this.wrapperApplied = applyStyle(w, this.wrapperApplied, wrapperStyle(el.properties, this.view.fullStage, this.inStack));
    this.applyContentStyle(el);

    const trigger = triggerId(el);
    const prevTrigger = this.trigger;
    const serverShown = isShown(el);
    if (!serverShown || (!this.shown && serverShown) || trigger !== prevTrigger) this.ended = false;
    const shown = serverShown && !this.ended;
    // data-visible is what the contract says is on screen: it flips now, the
    // exit animation plays afterwards.
    setData(w, 'visible', String(shown));
    const wasShown = this.shown;
    this.el = el;
    this.shown = shown;
    this.trigger = trigger;

    if (shown && !wasShown) {
      this.enter(el);
    } else if (!shown && wasShown) {
      this.safely('stop', () => this.view.stop());
      this.exit(el);
    } else if (shown && first) {
      // element_type changed while on screen: the new view starts fresh.
      this.safely('start', () => this.view.start());
    } else if (shown && trigger !== prevTrigger) {
      this.safely('restart', () => this.view.restart());
    }
    if (shown) this.syncLoop(el);
  }

  private applyContentStyle(el: OverlayElement): void {
    const style = this.view.adjustContentStyle(contentStyle(el.properties, el.element_type));
    this.contentApplied = applyStyle(this.view.root, this.contentApplied, style);
  }

  private endedLocally(): void {
    if (!this.shown) return;
    this.ended = true;
    this.shown = false;
    setData(this.wrapper, 'visible', 'false');
    this.safely('stop', () => this.view.stop());
    this.exit(this.el);
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
    const gen = ++this.generation;
    this.clearWait();
    this.clearExit();
    this.anim?.cancel();
    this.anim = null;
    const go = (): void => {
      if (gen !== this.generation) return;
      this.wrapper.style.removeProperty('display');
      const m = motionFor('entrance', this.el.behavior, { reducedMotion: this.reducedMotion, fadeOnly: this.view.fullStage });
      if (m) {
        try {
          // fill "backwards" keeps the first keyframe (e.g. opacity 0) during the delay.
          this.anim = this.wrapper.animate(m.keyframes, { duration: m.duration, delay: m.delay, easing: m.easing, fill: 'backwards' });
        } catch (e) {
          warn(`entrance animation failed for "${el.name}"`, e);
        }
      }
      this.safely('start', () => this.view.start());
      this.syncLoop(this.el);
    };
    if (mediaSettled(el)) {
      go();
      return;
    }
    // Media still loading: show once it is ready (or failed), never later than the cap.
    const fire = (): void => {
      // The timer and the preload race: whichever comes first shows the element.
      if (gen !== this.generation || this.waitTimer === null) return;
      this.clearWait();
      go();
    };
    this.waitTimer = setTimeout(fire, PRELOAD_WAIT_MS);
    void preloadElement(el).then(fire);
  }

  private clearWait(): void {
    if (this.waitTimer !== null) {
      clearTimeout(this.waitTimer);
      this.waitTimer = null;
    }
  }

  private exit(el: OverlayElement): void {
    const gen = ++this.generation;
    this.clearWait();
    this.clearExit();
    this.anim?.cancel();
    this.anim = null;
    const done = (): void => {
      if (gen !== this.generation) return;
      this.clearExit();
      this.wrapper.style.display = 'none';
      this.anim?.cancel(); // drop the fill-forwards effect; the node is already display:none
      this.anim = null;
      this.stopLoop();
      this.safely('hidden', () => this.view.hidden());
    };
    if (this.wrapper.style.display === 'none') {
      // Hidden before its (delayed or media-waiting) entrance ever showed it.
      done();
      return;
    }
    const m = motionFor('exit', el.behavior, { reducedMotion: this.reducedMotion, fadeOnly: this.view.fullStage });
    if (!m) {
      done();
      return;
    }
    try {
      const anim = this.wrapper.animate(m.keyframes, { duration: m.duration, delay: m.delay, easing: m.easing, fill: 'forwards' });
      anim.onfinish = done;
      this.anim = anim;
    } catch (e) {
      warn(`exit animation failed for "${el.name}"`, e);
      done();
      return;
    }
    // Animations can stall when OBS throttles a hidden source: never leave a
    // hidden element half-faded on screen.
    this.exitTimer = setTimeout(done, m.delay + m.duration + 250);
  }

  /** Starts, changes or stops `behavior.loop` on the content node. */
  private syncLoop(el: OverlayElement): void {
    if (this.wrapper.style.display === 'none') return; // starts with the entrance
    const loop = loopFor(el.behavior, { reducedMotion: this.reducedMotion });
    const key = loop ? JSON.stringify(loop) : '';
    if (key === this.loopKey && (this.loop !== null) === (loop !== null)) return;
    this.stopLoop();
    this.loopKey = key;
    if (!loop) return;
    try {
      this.loop = this.view.root.animate(loop.keyframes, { duration: loop.duration, easing: loop.easing, iterations: Infinity });
      setData(this.wrapper, 'loop', loop.kind);
    } catch (e) {
      warn(`loop animation failed for "${el.name}"`, e);
    }
  }

  private stopLoop(): void {
    this.loop?.cancel();
    this.loop = null;
    this.loopKey = '';
    if (this.wrapper.dataset.loop !== undefined) delete this.wrapper.dataset.loop;
  }

  private clearExit(): void {
    if (this.exitTimer !== null) {
      clearTimeout(this.exitTimer);
      this.exitTimer = null;
    }
  }
}
