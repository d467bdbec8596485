// The 1920x1080 stage. OBS sizes the browser source to 1920x1080 normally; if
// the source (or a preview window) has another size, the stage is scaled to
// fit so positions stay right.
import { STAGE_HEIGHT, STAGE_WIDTH } from './style';

export function mountStage(): HTMLElement {
  let stage = document.getElementById('stage');
  if (!stage) {
    stage = document.createElement('div');
    stage.id = 'stage';
    document.body.append(stage);
  }
  const node = stage;
  let frame = 0;
  const fit = (): void => {
    frame = 0;
    const w = window.innerWidth || STAGE_WIDTH;
    const ht = window.innerHeight || STAGE_HEIGHT;
    const scale = Math.min(w / STAGE_WIDTH, ht / STAGE_HEIGHT);
    node.style.transform = Math.abs(scale - 1) < 0.001 ? '' : `scale(${scale})`;
  };
  window.addEventListener('resize', () => {
    if (!frame) frame = requestAnimationFrame(fit);
  });
  fit();
  return node;
}
