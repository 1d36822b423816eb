import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'wouter';
import type { ApiError } from '../../api/client.js';
import { api, type MeDto, type StatementDto } from '../../api/client.js';
import { asApiError } from '../../api/use-submission.js';
import { useResource } from '../../api/use-resource.js';
import { concernsIssue, useLiveReload } from '../../api/use-live.js';
import { PageHeading } from '../../components/page.js';
import { RequireSession } from '../../components/require-session.js';
import { Empty, ErrorNotice, Loaded } from '../../components/states.js';
import type { StatementStatus } from '../../../core/vocabulary.js';

/** The moderation queue: members' statements waiting to be accepted (shown for votes) or rejected. */
export function ModerationPage() {
  return <RequireSession role="organiser">{(me) => <Moderation me={me} />}</RequireSession>;
}

function Moderation({ me }: { me: MeDto }) {
  const { t } = useTranslation();
  const { issueId } = useParams<{ issueId: string }>();
  const orgId = me.organisation.id;
  const queue = useResource(() => api.issue(orgId, issueId, 'unmoderated'), [orgId, issueId]);
  useLiveReload(queue.reload, (e) => concernsIssue(e, issueId, ['statement']));
  const [decided, setDecided] = useState<StatementDto[]>([]);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  async function decide(statement: StatementDto, status: StatementStatus) {
    setBusy(statement.id);
    setError(null);
    try {
      const s = await api.moderate(orgId, statement.id, status);
      setDecided((list) => [s, ...list.filter((d) => d.id !== s.id)]);
      if (queue.data) queue.set({ ...queue.data, statements: queue.data.statements.filter((q) => q.id !== s.id) });
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(null);
    }
  }

  return (
    <Loaded resource={queue}>
      {(d) => (
        <>
          <PageHeading title={t('moderation.title')} kicker={d.title} back={{ href: `/organise/issues/${issueId}`, label: t('organise.backToIssue') }} />
          <p className="lead">{t('moderation.lead')}</p>
          {error && <ErrorNotice error={error} />}
          <section aria-labelledby="queue-heading">
            <h2 id="queue-heading">{t('moderation.waiting', { count: d.statements.length })}</h2>
            {d.statements.length === 0 ? (
              <Empty title={t('moderation.emptyTitle')}>
                <p>{t('moderation.empty')}</p>
              </Empty>
            ) : (
              <ul className="plain-list">
                {d.statements.map((s) => (
                  <li key={s.id} className="card moderation-item">
                    <p className="moderation-item__text">{s.text}</p>
                    <p className="meta">{t('moderation.written', { at: s.createdAt })}</p>
                    <div className="actions" role="group" aria-label={t('moderation.decide')}>
                      <button type="button" className="button" disabled={busy === s.id} onClick={() => void decide(s, 'accepted')}>
                        {t('moderation.accept')}
                      </button>
                      <button type="button" className="button button--secondary" disabled={busy === s.id} onClick={() => void decide(s, 'rejected')}>
                        {t('moderation.reject')}
                      </button>
                    </div>
                  </li>
                ))}
              </ul>
            )}
          </section>
          {decided.length > 0 && (
            <section aria-labelledby="decided-heading">
              <h2 id="decided-heading">{t('moderation.decided')}</h2>
              <ul className="plain-list" role="status">
                {decided.map((s) => (
                  <li key={s.id} className="card">
                    <span className={`badge badge--${s.status}`}>{t(`moderation.status.${s.status}`)}</span> {s.text}
                  </li>
                ))}
              </ul>
            </section>
          )}
        </>
      )}
    </Loaded>
  );
}
