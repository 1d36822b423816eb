import { useTranslation } from 'react-i18next';
import { phases, type Phase } from '../../core/vocabulary.js';

/** The four phases of the cycle, the current one marked (as text, not only colour). */
export function PhaseSteps({ phase, cycle }: { phase: Phase; cycle: number }) {
  const { t } = useTranslation();
  return (
    <div className="phase-steps">
      <p className="phase-steps__label" id="phase-steps-label">
        {t('phase.cycle', { number: cycle })}
      </p>
      <ol aria-labelledby="phase-steps-label">
        {phases.map((p, i) => (
          <li
            key={p}
            className={p === phase ? 'is-current' : phases.indexOf(phase) > i ? 'is-done' : undefined}
            aria-current={p === phase ? 'step' : undefined}
          >
            <span className="phase-steps__number" aria-hidden="true">
              {i + 1}
            </span>
            <span>{t(`phase.${p}.name`)}</span>
            {p === phase && <span className="visually-hidden"> {t('phase.current')}</span>}
          </li>
        ))}
      </ol>
    </div>
  );
}

export function PhaseBadge({ phase }: { phase: Phase }) {
  const { t } = useTranslation();
  return <span className={`badge badge--${phase}`}>{t(`phase.${phase}.name`)}</span>;
}
