// One instance of every widget type the daemon lists, and a call for each of their features
// built from its FeatureSpec: shared by e2e/every-widget.test.mjs and bench/every-widget-frames.mjs.
import assert from 'node:assert/strict';
import { png, wav } from './media-files.mjs';
import { recordClip, upload } from './media-library.mjs';

export const ALERTS = ['FollowerAlertWidget', 'SubscriberAlertWidget', 'DonationAlertWidget', 'RaidAlertWidget', 'CheerAlertWidget'];

/** Sample text per parameter name (a generic one otherwise): options lists need commas. */
const SAMPLE_TEXT = { options: 'Pizza, Tacos, Sushi', option: 'Pizza', question: 'What do we eat tonight?', scene: 'Gameplay', source: 'Webcam' };

/** A parameter's value from its spec: default; first option; min; a sample text; a media id. */
export function valueFor(p, media) {
  if (p.default !== undefined && p.default !== null && p.default !== '') return p.default;
  switch (p.type) {
    case 'dropdown': return p.options[0];
    case 'multiselect': return p.options.slice(0, 1);
    case 'checkbox': return true;
    case 'color': return '#9147FF';
    case 'number':
    case 'slider': return p.min ?? 1;
    case 'media': {
      const m = media[p.media_kind];
      assert.ok(m, `no uploaded media of kind ${p.media_kind} for ${p.name}`);
      return m.id;
    }
    default: return SAMPLE_TEXT[p.name] ?? 'StreamFan42';
  }
}

/** The features that stop, hide or clear: run first, so each widget ends the run showing. */
export const ENDING = /^(stop|hide|reset|clear|end|pause|skip|undo|finish|decrement)_?/;

/** `{feature, parameters}` for each of the type's features, the ending ones first. */
export function featureCalls(type, media) {
  const fs = [...type.features.filter((f) => ENDING.test(f.name)), ...type.features.filter((f) => !ENDING.test(f.name))];
  return fs.map((f) => ({ feature: f.name, parameters: Object.fromEntries(f.parameters.map((p) => [p.name, valueFor(p, media)])) }));
}

/** The first feature that shows something (an alert, a blast, a sound), to play it again. */
export function showingCall(type, media) {
  return featureCalls(type, media).find((c) => !ENDING.test(c.feature));
}

/** An image, an audio file and a WebM clip of `clipSeconds` in the media library. */
export async function uploadSampleMedia(base, browser, clipSeconds = 4) {
  return {
    image: await upload(base, 'every-logo.png', png(320, 200), 'image/png'),
    audio: await upload(base, 'every-chime.wav', wav(2, 660), 'audio/wav'),
    video: await upload(base, 'every-clip.webm', await recordClip(browser, clipSeconds), 'video/webm'),
  };
}

/**
 * A dashboard `name` with one widget of each type in `types`, each created with
 * `parametersFor(widget_class)` (the rest default); resolves with `{dash, widgets: [{cls, id, name}]}`.
 */
export async function createEveryWidget(call, types, name, parametersFor) {
  const dash = (await call('POST', '/api/dashboards', { name, obs_scene: null }, 201)).id;
  const widgets = [];
  for (const type of types) {
    const w = await call('POST', '/api/widgets', {
      widget_class: type.widget_class, name: type.display_name, dashboard_ids: [dash],
      widget_parameters: parametersFor(type.widget_class),
    }, 201);
    widgets.push({ cls: type.widget_class, id: w.id, name: type.display_name });
  }
  return { dash, widgets };
}
