// Which particle backend a page uses, measured both ways with bench/frames.mjs:
// - GPU compositing (OBS with browser-source hardware acceleration, its default; also
//   software GL): composited nodes (dom-swarm.ts); with software GL a full-stage canvas
//   redrawn per frame costs about a frame on its own.
// - Software compositing (hardware acceleration off, `--disable-gpu`): every composited layer
//   is a draw for the software compositor each frame, while a canvas draws a particle for
//   almost nothing (canvas-swarm.ts).
// The page's `?particles=dom|canvas` forces one; main.ts decides once at start-up, before any
// effect plays.
import { CanvasSwarm } from './canvas-swarm';
import { DomSwarm } from './dom-swarm';
import type { Backend, Swarm } from './swarm';

let chosen: Backend | null = null;

/**
 * Whether 2D canvases are GPU-backed, i.e. the page is GPU-composited. No API says so, but the
 * first read-back of a GPU canvas waits for the GPU (80 ms with software GL here, a few ms on a
 * real GPU) while a software canvas answers in microseconds (0.2 ms here, first call included).
 * A wrong guess only costs speed: either backend draws the same particles.
 */
function gpuComposited(): boolean {
  try {
    // The quickest of three, so one hiccup (a GC pause) cannot make a software page look GPU;
    // a fresh canvas each time, as the browser turns a canvas that was read into a software one.
    let fastest = Infinity;
    for (let i = 0; i < 3; i++) {
      const c = document.createElement('canvas');
      c.width = c.height = 16;
      const g = c.getContext('2d');
      if (!g) return true;
      g.fillRect(0, 0, 8, 8);
      const t0 = performance.now();
      g.getImageData(0, 0, 1, 1);
      fastest = Math.min(fastest, performance.now() - t0);
    }
    return fastest >= READBACK_GPU_MS;
  } catch {
    return true;
  }
}
const READBACK_GPU_MS = 1;

/** The backend for this page: `?particles=dom|canvas` if given, else by how it is composited. */
export function backend(): Backend {
  if (chosen) return chosen;
  const asked = new URLSearchParams(location.search).get('particles');
  if (asked === 'dom' || asked === 'canvas') return (chosen = asked);
  return (chosen = gpuComposited() ? 'dom' : 'canvas');
}

/** A swarm on the page's backend, flying inside `root` (width x height CSS px). */
export function newSwarm(root: HTMLElement, width: number, height: number): Swarm {
  if (backend() === 'canvas') return new CanvasSwarm(root, width, height);
  return new DomSwarm(root);
}
