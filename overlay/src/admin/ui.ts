// Small UI-only types shared by components.

export interface MenuItem {
  label: string;
  icon?: string;
  danger?: boolean;
  disabled?: boolean;
  action: () => void;
}

const WIDGET_ICONS: Record<string, string> = {
  ConfettiAlertWidget: 'sparkles',
  DeathCounterWidget: 'hash',
  DonationGoalWidget: 'activity',
  PollWidget: 'users',
  ChatBoxWidget: 'chat',
  TextTickerWidget: 'ticker',
  SplitTimerWidget: 'flag',
  SocialMediaWidget: 'share',
  ImageSequenceWidget: 'layers',
  SoundBoardWidget: 'music',
  CurrentGameWidget: 'gamepad',
  ObsSceneWidget: 'monitor',
  TextWidget: 'type',
  WheelSpinnerWidget: 'wheel',
  GoalTrackerWidget: 'target',
  ImageWidget: 'image',
  VideoPlayerWidget: 'film',
  FollowerAlertWidget: 'heart',
  SubscriberAlertWidget: 'star',
  DonationAlertWidget: 'dollar',
  RaidAlertWidget: 'zap',
  CheerAlertWidget: 'gem',
  EventListWidget: 'bell',
  TopSupporterWidget: 'coin',
};

/** An icon for a widget class, guessed from its name for classes we don't know yet. */
export function widgetIcon(widgetClass: string): string {
  const known = WIDGET_ICONS[widgetClass];
  if (known) return known;
  const c = widgetClass.toLowerCase();
  if (c.includes('timer') || c.includes('countdown')) return 'timer';
  if (c.includes('sound') || c.includes('audio') || c.includes('music')) return 'music';
  if (c.includes('video')) return 'film';
  if (c.includes('image') || c.includes('gif')) return 'image';
  if (c.includes('text') || c.includes('ticker')) return 'type';
  if (c.includes('counter')) return 'hash';
  if (c.includes('alert')) return 'zap';
  return 'square';
}

/** The overlay page's address as OBS must load it (same host and port as this admin). */
export function overlayPageUrl(loc: Pick<Location, 'origin'>): string {
  return `${loc.origin}/overlay/`;
}

/** Copies text; falls back to a hidden textarea where the Clipboard API is not allowed (plain http on a LAN address). */
export async function copyText(text: string): Promise<boolean> {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // fall through
  }
  const ta = document.createElement('textarea');
  ta.value = text;
  ta.setAttribute('readonly', '');
  ta.style.position = 'fixed';
  ta.style.opacity = '0';
  document.body.appendChild(ta);
  ta.select();
  let ok = false;
  try {
    ok = document.execCommand('copy');
  } catch {
    ok = false;
  }
  ta.remove();
  return ok;
}
