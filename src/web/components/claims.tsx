import { useTranslation } from 'react-i18next';
import type { LineVersionDto } from '../api/client.js';

/** A line version's claims, each with the basis it cites, quoted. */
export function ClaimList({ version }: { version: LineVersionDto }) {
  const { t } = useTranslation();
  return (
    <ol className="claims">
      {version.claims.map((claim) => (
        <li key={claim.id} className="claim">
          <p className="claim__text">{claim.text}</p>
          {claim.refuted && <p className="badge badge--warning">{t('line.refuted')}</p>}
          {claim.cites.length > 0 ? (
            <div className="claim__basis">
              <p className="claim__basis-label">{t('line.basis', { count: claim.cites.length })}</p>
              <ul>
                {claim.cites.map((c) => (
                  <li key={`${c.kind}:${c.ref}`}>
                    <span className="cite-kind">{t(`line.citeKind.${c.kind}`)}</span> {c.text ? <q>{c.text}</q> : null}
                    {c.note && <span className="hint"> — {c.note}</span>}
                  </li>
                ))}
              </ul>
            </div>
          ) : (
            <p className="hint">{t('line.ungrounded')}</p>
          )}
        </li>
      ))}
    </ol>
  );
}

/** The public marks of MODEL.md §7 on a version. */
export function VersionMarks({ version }: { version: LineVersionDto }) {
  const { t } = useTranslation();
  if (!version.marks.revisionWithoutPractice && !version.marks.driftedFromMasses) return null;
  return (
    <ul className="marks">
      {version.marks.revisionWithoutPractice && <li className="badge badge--warning">{t('line.revisionWithoutPractice')}</li>}
      {version.marks.driftedFromMasses && <li className="badge badge--warning">{t('line.driftedFromMasses')}</li>}
    </ul>
  );
}

/** The newest published version, or null. */
export function currentVersion(versions: readonly LineVersionDto[]): LineVersionDto | null {
  return versions.filter((v) => v.status === 'published').reduce<LineVersionDto | null>((best, v) => (!best || v.number > best.number ? v : best), null);
}
