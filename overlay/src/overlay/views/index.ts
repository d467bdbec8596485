import { AnimationView } from './animation';
import { EmptyView, type View } from './base';
import { CanvasView } from './canvas';
import { CounterView } from './counter';
import { ImageView } from './image';
import { AudioView, VideoView } from './media';
import { TextView } from './text';
import { TimerView } from './timer';

export type { View } from './base';

export function createView(elementType: string, reducedMotion: boolean): View {
  switch (elementType) {
    case 'text': return new TextView();
    case 'counter': return new CounterView();
    case 'image': return new ImageView();
    case 'audio': return new AudioView();
    case 'video': return new VideoView();
    case 'timer': return new TimerView();
    case 'animation': return new AnimationView(reducedMotion);
    case 'canvas': return new CanvasView();
    default: return new EmptyView(elementType);
  }
}
