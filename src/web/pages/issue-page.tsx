import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'wouter';
import { useId } from 'react';
import { api, type IssueDetailDto, type MeDto } from '../api/client.js';
import { useResource } from '../api/use-resource.js';
import { useSubmission } from '../api/use-submission.js';
import { concernsIssue, useLiveReload, useLiveVoteTotals } from '../api/use-live.js';
import { PageHeading } from '../components/page.js';
import { PhaseSteps } from '../components/phase-steps.js';
import { RequireSession } from '../components/require-session.js';
import { ErrorNotice, Loaded } from '../components/states.js';
import { hasRole } from '../session.js';
import type { Phase } from '../../core/vocabulary.js';

/** One issue for a member: where its cycle stands, and what they can do in it now. */
export function IssuePage() {
  return <RequireSession>{(me) => <Issue me={me} />}</RequireSession>;
}

function Issue({ me }: { me: MeDto }) {
  const { t } = useTranslation();
  const { issueId } = useParams<{ issueId: string }>();
  const issue = useResource(() => api.issue(me.organisation.id, issueId), [me.organisation.id, issueId]);
  useLiveReload(issue.reload, (e) => concernsIssue(e, issueId, ['statement', 'phase', 'line']));
  useLiveVoteTotals(issue);
  return (
    <Loaded resource={issue}>
      {(d) => (
        <>
          <PageHeading title={d.title} back={{ href: '/', label: t('layout.issues') }} />
          <PhaseSteps phase={d.cycle.phase} cycle={d.cycle.number} />
          <p className="lead">{t(`phase.${d.cycle.phase}.member`)}</p>
          <NextSteps issue={d} phase={d.cycle.phase} />
          <IssueFigures issue={d} />
          {d.status === 'open' && <Importance orgId={me.organisation.id} issueId={d.id} />}
          {d.description && (
            <details className="description">
              <summary>{t('issue.description')}</summary>
              <p className="prewrap">{d.description}</p>
            </details>
          )}
          {hasRole(me, 'organiser') && (
            <p>
              <Link href={`/organise/issues/${d.id}`}>{t('issue.organiseIt')}</Link>
            </p>
          )}
        </>
      )}
    </Loaded>
  );
}

/** The actions of the member loop, the one the phase asks for first. */
function NextSteps({ issue, phase }: { issue: IssueDetailDto; phase: Phase }) {
  const { t } = useTranslation();
  const steps: { key: 'vote' | 'write' | 'line' | 'practice'; href: string; phases: Phase[] }[] = [
    { key: 'vote', href: `/issues/${issue.id}/vote`, phases: ['gather'] },
    { key: 'write', href: `/issues/${issue.id}/write`, phases: ['gather'] },
    { key: 'line', href: `/issues/${issue.id}/line`, phases: ['propagate'] },
    { key: 'practice', href: `/issues/${issue.id}/practice`, phases: ['test'] },
  ];
  const ordered = [...steps.filter((s) => s.phases.includes(phase)), ...steps.filter((s) => !s.phases.includes(phase))];
  return (
    <nav aria-label={t('issue.whatYouCanDo')} className="next-steps">
      <h2>{t('issue.whatYouCanDo')}</h2>
      <ul>
        {ordered.map((s) => (
          <li key={s.key}>
            <Link href={s.href} className={s.phases.includes(phase) ? 'button' : 'button button--secondary'}>
              {t(`issue.step.${s.key}`)}
            </Link>
            <span className="hint">{t(`issue.stepHint.${s.key}`)}</span>
          </li>
        ))}
      </ul>
    </nav>
  );
}

function IssueFigures({ issue }: { issue: IssueDetailDto }) {
  const { t } = useTranslation();
  const open = issue.statements.filter((s) => s.status !== 'rejected').length;
  const mine = issue.statements.filter((s) => s.myVote !== null).length;
  return (
    <dl className="figures">
      <div>
        <dt>{t('issue.figures.statements')}</dt>
        <dd>{t('number', { value: open })}</dd>
      </div>
      <div>
        <dt>{t('issue.figures.participants')}</dt>
        <dd>{t('number', { value: issue.participants })}</dd>
      </div>
      <div>
        <dt>{t('issue.figures.votes')}</dt>
        <dd>{t('number', { value: issue.votes })}</dd>
      </div>
      <div>
        <dt>{t('issue.figures.mine')}</dt>
        <dd>{t('number', { value: mine })}</dd>
      </div>
    </dl>
  );
}

/** MODEL.md §6: a member marks the issue as one that matters to them (intensity), and may take the mark back. */
function Importance({ orgId, issueId }: { orgId: string; issueId: string }) {
  const { t } = useTranslation();
  const id = useId();
  const marks = useResource(() => api.marks(orgId, issueId), [orgId, issueId]);
  const { busy, error, run } = useSubmission();
  return (
    <section aria-labelledby={`${id}-heading`} className="card">
      <h2 id={`${id}-heading`} className="card__title">
        {t('issue.importance.title')}
      </h2>
      <p className="hint">{t('issue.importance.hint')}</p>
      <Loaded resource={marks}>
        {(m) => (
          <>
            <p role="status">
              {m.importantToMe ? t('issue.importance.marked', { count: m.markedImportant - 1 }) : t('issue.importance.count', { count: m.markedImportant })}
            </p>
            {error && <ErrorNotice error={error} />}
            <button
              type="button"
              className={m.importantToMe ? 'button button--secondary' : 'button'}
              aria-pressed={m.importantToMe}
              disabled={busy}
              onClick={() =>
                void run(async () => {
                  await api.markImportant(orgId, issueId, !m.importantToMe);
                  marks.reload();
                })
              }
            >
              {t('issue.importance.mark')}
            </button>
          </>
        )}
      </Loaded>
    </section>
  );
}
