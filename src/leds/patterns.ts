/**
 * What the front panel shows, decided from the applied state only. The LED
 * drivers (sysfs LED class, serial panel) turn a pattern into hardware calls.
 */
export type Role = 'master' | 'backup' | 'fault' | 'init';

export type LedPattern =
  'booting' | 'master' | 'backup' | 'fault' | 'degraded' | 'config-error' | 'idle';

export const PATTERN_LOOK: Readonly<Record<LedPattern, string>> = {
  booting: 'amber, blinking',
  master: 'green, solid',
  backup: 'green, slow blink',
  fault: 'red, solid',
  degraded: 'amber, solid',
  'config-error': 'red, fast blink',
  idle: 'off',
};

export interface PanelInputs {
  readonly starting: boolean;
  readonly configError: boolean;
  readonly roles: readonly Role[];
  readonly realServersDown: number;
}

/** One pattern for the box: the worst news wins, then the strongest role. */
export function ledPatternFor(s: PanelInputs): LedPattern {
  if (s.starting) return 'booting';
  if (s.configError) return 'config-error';
  if (s.roles.includes('fault')) return 'fault';
  if (s.realServersDown > 0) return 'degraded';
  if (s.roles.includes('master')) return 'master';
  if (s.roles.includes('backup') || s.roles.includes('init')) return 'backup';
  return 'idle';
}
