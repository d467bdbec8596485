import { EffectView } from './animation';
import { EmptyView, type View } from './base';
import { ChatView } from './chat';
import { CounterView } from './counter';
import { ImageView } from './image';
import { AudioView, VideoView } from './media';
import { StackView } from './stack';
import { TextView } from './text';
import { TimerView } from './timer';

export type { View } from './base';
export { VideoView } from './media';

export function createView(elementType: string, reducedMotion: boolean): View {
  switch (elementType) {
    case 'text': return new TextView(reducedMotion);
    case 'counter': return new CounterView(reducedMotion);
    case 'image': return new ImageView();
    case 'audio': return new AudioView();
    case 'video': return new VideoView();
    case 'timer': return new TimerView();
    case 'animation': return new EffectView('animation', reducedMotion);
    case 'canvas': return new EffectView('canvas', reducedMotion);
    case 'stack': return new StackView();
    case 'chat': return new ChatView();
    default: return new EmptyView(elementType);
  }
}
