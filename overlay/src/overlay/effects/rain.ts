// "rain": tokens rain down from the top edge, tumbling. The token is the
// element's image media (role "image") when assigned and loaded, else the
// `emoji` property (one or a list; needs an emoji font, which OBS on Windows
// and macOS has), else a drawn gold coin. Properties: count (60), duration_s
// (3), size (56), emoji.
import { num, str } from '../props';
import { loadedImage } from '../preload';
import { mediaFor } from '../props';
import { pick } from './palette';
import { ParticleEffect, rand, sprite } from './particles';
import { registerEffect } from './registry';
import type { Look } from './swarm';

const SPRITE = 112;

function coin(): Pick<Look, 'kind' | 'src'> {
  return sprite(SPRITE, (g, s) => {
    const r = s / 2 - 4;
    const c = s / 2;
    g.shadowColor = 'rgba(0,0,0,0.4)';
    g.shadowBlur = 6;
    g.shadowOffsetY = 3;
    const rim = g.createLinearGradient(0, 0, s, s);
    rim.addColorStop(0, '#fff3a8');
    rim.addColorStop(0.5, '#f5b300');
    rim.addColorStop(1, '#a86a00');
    g.fillStyle = rim;
    g.beginPath();
    g.arc(c, c, r, 0, Math.PI * 2);
    g.fill();
    g.shadowColor = 'transparent';
    const face = g.createRadialGradient(c - r * 0.3, c - r * 0.3, r * 0.1, c, c, r * 0.8);
    face.addColorStop(0, '#fff7c2');
    face.addColorStop(0.6, '#ffcf33');
    face.addColorStop(1, '#e09a00');
    g.fillStyle = face;
    g.beginPath();
    g.arc(c, c, r * 0.78, 0, Math.PI * 2);
    g.fill();
    // A five-pointed star embossed on the face.
    g.fillStyle = '#c98500';
    g.beginPath();
    for (let i = 0; i < 10; i++) {
      const a = -Math.PI / 2 + (i * Math.PI) / 5;
      const rr = i % 2 === 0 ? r * 0.45 : r * 0.19;
      g.lineTo(c + Math.cos(a) * rr, c + Math.sin(a) * rr);
    }
    g.closePath();
    g.fill();
  });
}

function emojiSprite(text: string): Pick<Look, 'kind' | 'src'> {
  return sprite(SPRITE, (g, s) => {
    g.textAlign = 'center';
    g.textBaseline = 'middle';
    g.font = `${Math.round(s * 0.8)}px "Segoe UI Emoji", "Apple Color Emoji", "Noto Color Emoji", sans-serif`;
    g.shadowColor = 'rgba(0,0,0,0.35)';
    g.shadowBlur = 6;
    g.fillText(text, s / 2, s / 2 + s * 0.04);
  });
}

function emojiList(v: unknown): string[] {
  const list = Array.isArray(v) ? v : [v];
  return list.map((e) => str(e)?.trim() ?? '').filter((e) => e !== '' && e.length <= 16).slice(0, 12);
}

registerEffect('animation', {
  name: 'rain',
  fullStage: true,
  create(ctx) {
    let sprites: Array<Pick<Look, 'kind' | 'src'>> = [];
    let coinSprite: Pick<Look, 'kind' | 'src'> | null = null;
    let size = 56;
    return new ParticleEffect(ctx, {
      defaultCount: 60,
      maxCount: 600,
      defaultDuration: 3,
      prepare(el) {
        size = Math.min(256, Math.max(12, num(el.properties.size) ?? 56));
        const url = mediaFor(el, 'image')?.url;
        // Only a picture that has loaded: a broken one would rain invisible tokens.
        const img = url && loadedImage(url) ? url : undefined;
        const emoji = emojiList(el.properties.emoji);
        if (img) sprites = [{ kind: 'image', src: img }];
        else if (emoji.length > 0) sprites = emoji.map(emojiSprite);
        else sprites = [(coinSprite ??= coin())];
      },
      spawn(p) {
        p.sprite = pick(sprites, Math.random());
        p.size = size * rand(0.75, 1.25);
        p.x = rand(0.02, 0.98) * ctx.width;
        p.y = -p.size;
        p.vx = rand(-40, 40);
        p.vy = rand(380, 620);
        p.rot = rand(0, Math.PI * 2);
        p.vr = rand(-3, 3);
        p.life = 10;
      },
      move(p, dt) {
        p.vy += 220 * dt;
        p.x += p.vx * dt;
        p.y += p.vy * dt;
        p.rot += p.vr * dt;
        p.alpha = Math.min(1, p.age / 0.15);
        return p.y < ctx.height + p.size;
      },
    });
  },
});
