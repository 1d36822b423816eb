import { defaultModelSettings, type ModelSettings } from '../core/model/settings.js';
import { ModelSettingsPatch } from '../contract/index.js';

/** The organisation's model settings: its stored overrides over MODEL.md's defaults (null half-life = ∞). */
export function modelSettingsOf(stored: string): ModelSettings {
  const parsed = ModelSettingsPatch.safeParse(JSON.parse(stored || '{}'));
  const o = parsed.success ? parsed.data : {};
  const { halfLifeDays, ...rest } = o;
  const defined = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
  return { ...defaultModelSettings, ...defined, halfLifeDays: halfLifeDays === null ? Infinity : (halfLifeDays ?? defaultModelSettings.halfLifeDays) };
}

/** The settings as JSON can carry them (∞ as null). */
export function presentSettings(s: ModelSettings): Record<string, number | null> {
  return Object.fromEntries(Object.entries(s).map(([k, v]) => [k, Number.isFinite(v) ? v : null]));
}
