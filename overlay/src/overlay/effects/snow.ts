// "snow": soft flakes drift down for as long as the element is shown; on hide
// the flakes already falling land. Properties: count
// (140 flakes on screen), size (10), wind (-3..3, default 0.5).
import { clamp, num } from '../props';
import { ParticleEffect, rand } from './particles';
import { registerEffect } from './registry';

registerEffect('animation', {
  name: 'snow',
  fullStage: true,
  create(ctx) {
    let size = 10;
    let wind = 0.5;
    return new ParticleEffect(ctx, {
      defaultCount: 140,
      maxCount: 600,
      defaultDuration: 3,
      continuous: true,
      prepare(el) {
        size = clamp(num(el.properties.size) ?? 10, 2, 80);
        wind = clamp(num(el.properties.wind) ?? 0.5, -3, 3);
      },
      spawn(p) {
        p.sprite = { kind: 'flake' };
        const depth = rand(0.35, 1); // far flakes are small, slow and faint
        p.size = size * depth * 2.2;
        p.x = rand(-0.05, 1.05) * ctx.width;
        p.y = -p.size;
        p.vx = wind * 30 * depth;
        p.vy = rand(40, 90) * depth + 25;
        p.life = depth;
      },
      move(p, dt) {
        p.x += (p.vx + Math.sin(p.age * 0.9 + p.phase) * 18 * p.life) * dt;
        p.y += p.vy * dt;
        p.alpha = 0.45 + 0.55 * p.life;
        return p.y < ctx.height + p.size && p.x > -80 && p.x < ctx.width + 80;
      },
    });
  },
});
