/** The model's per-organisation settings, with MODEL.md's defaults (the tests pin them). */
export interface ModelSettings {
  /** Half-life h of practice, in days; Infinity gives the essay's model exactly. */
  halfLifeDays: number;
  /** k: acts that count a member as fully consulted. */
  fullConsultationActs: number;
  /** α: weight of one report (practice tested in action). */
  reportWeight: number;
  /** L₀: claims that make a line's logic sufficient. */
  logicSufficiency: number;
  /** P₀ = max(practiceSufficiencyFloor, practiceSufficiencyShare × members joined by t). */
  practiceSufficiencyFloor: number;
  practiceSufficiencyShare: number;
  /** β: how far π/ℓ may stray from 1 before a line turns left-communist or empiricist. */
  beta: number;
  /** Embrace targets before moving on: overall, and in every opinion group. */
  embraceTarget: number;
  groupEmbraceTarget: number;
  /** The forecast's window for L's recent trend, and how far ahead it looks, in days. */
  trendWindowDays: number;
  forecastHorizonDays: number;
  /** Support swings above this (standard deviation of embrace rate) mark a constituency as wavering. */
  waveringVolatility: number;
}

export const defaultModelSettings: ModelSettings = {
  halfLifeDays: 180,
  fullConsultationActs: 7,
  reportWeight: 3,
  logicSufficiency: 3,
  practiceSufficiencyFloor: 10,
  practiceSufficiencyShare: 0.1,
  beta: 2,
  embraceTarget: 2 / 3,
  groupEmbraceTarget: 1 / 2,
  trendWindowDays: 90,
  forecastHorizonDays: 5 * 365,
  waveringVolatility: 0.15,
};
