// "hearts": glossy hearts float up from the bottom edge, swaying, and fade
// out near the top. Properties: count (40), duration_s (3), size (44), colors.
import { num } from '../props';
import { colorList, HEARTS, pick } from './palette';
import { ParticleEffect, rand, sprite } from './particles';
import { registerEffect } from './registry';
import type { Look } from './swarm';

const SPRITE = 96;

function heart(color: string): Pick<Look, 'kind' | 'src'> {
  return sprite(SPRITE, (g, s) => {
    const path = new Path2D();
    const k = s / 100;
    path.moveTo(50 * k, 88 * k);
    path.bezierCurveTo(20 * k, 66 * k, 4 * k, 48 * k, 6 * k, 30 * k);
    path.bezierCurveTo(8 * k, 12 * k, 30 * k, 4 * k, 50 * k, 24 * k);
    path.bezierCurveTo(70 * k, 4 * k, 92 * k, 12 * k, 94 * k, 30 * k);
    path.bezierCurveTo(96 * k, 48 * k, 80 * k, 66 * k, 50 * k, 88 * k);
    path.closePath();
    g.shadowColor = 'rgba(0,0,0,0.35)';
    g.shadowBlur = 6 * k;
    g.shadowOffsetY = 2 * k;
    const grad = g.createLinearGradient(0, 0, s, s);
    grad.addColorStop(0, '#ffffff');
    grad.addColorStop(0.18, color);
    grad.addColorStop(1, color);
    g.fillStyle = grad;
    g.fill(path);
    g.shadowColor = 'transparent';
    g.fillStyle = 'rgba(255,255,255,0.55)';
    g.beginPath();
    g.ellipse(30 * k, 28 * k, 10 * k, 6 * k, -0.6, 0, Math.PI * 2);
    g.fill();
  });
}

registerEffect('animation', {
  name: 'hearts',
  fullStage: true,
  create(ctx) {
    let sprites: Array<Pick<Look, 'kind' | 'src'>> = [];
    let key = '';
    let size = 44;
    return new ParticleEffect(ctx, {
      defaultCount: 40,
      maxCount: 400,
      defaultDuration: 3,
      prepare(el) {
        const colors = colorList(el.properties.colors, HEARTS);
        size = Math.min(200, Math.max(12, num(el.properties.size) ?? 44));
        if (colors.join() !== key) {
          key = colors.join();
          sprites = colors.map(heart);
        }
      },
      spawn(p) {
        p.sprite = pick(sprites, Math.random());
        p.size = size * rand(0.7, 1.35);
        p.x = rand(0.08, 0.92) * ctx.width;
        p.y = ctx.height + p.size;
        p.vx = rand(-20, 20);
        p.vy = -rand(170, 300);
        p.life = rand(2.6, 4);
      },
      move(p, dt) {
        p.x += (p.vx + Math.sin(p.age * 2.4 + p.phase) * 60) * dt;
        p.y += p.vy * dt;
        p.rot = Math.sin(p.age * 2 + p.phase) * 0.25;
        const t = p.age / p.life;
        p.alpha = t < 0.1 ? t / 0.1 : t > 0.7 ? Math.max(0, (1 - t) / 0.3) : 1;
        return t < 1 && p.y > -p.size;
      },
    });
  },
});
