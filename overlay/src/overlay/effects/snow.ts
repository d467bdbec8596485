// "snow": soft flakes drift down for as long as the element is shown; on hide
// the flakes already falling land, then the loop ends. Properties: count
// (140 flakes on screen), size (10), wind (-3..3, default 0.5).
import { clamp, num } from '../props';
import { ParticleEffect, rand } from './particles';
import { registerEffect } from './registry';
import { sprite } from './runner';

registerEffect('animation', {
  name: 'snow',
  fullStage: true,
  create(ctx) {
    let size = 10;
    let wind = 0.5;
    const flake = sprite(48, (g, s) => {
      const grad = g.createRadialGradient(s / 2, s / 2, 0, s / 2, s / 2, s / 2);
      grad.addColorStop(0, 'rgba(255,255,255,1)');
      grad.addColorStop(0.45, 'rgba(240,248,255,0.85)');
      grad.addColorStop(1, 'rgba(220,235,255,0)');
      g.fillStyle = grad;
      g.fillRect(0, 0, s, s);
    });
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
        p.sprite = flake;
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
