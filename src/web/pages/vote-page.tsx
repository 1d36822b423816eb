import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'wouter';
import { api, type MeDto } from '../api/client.js';
import { useSubmission } from '../api/use-submission.js';
import { idempotencyKey } from '../api/idempotency.js';
import { useResource } from '../api/use-resource.js';
import { concernsIssue, useLiveReload } from '../api/use-live.js';
import { PageHeading } from '../components/page.js';
import { RequireSession } from '../components/require-session.js';
import { Empty, ErrorNotice, Loaded } from '../components/states.js';
import type { VoteValue } from '../../core/vocabulary.js';

/**
 * Voting, one statement at a time. A vote fetches the next statement in place (no page load);
 * the server remembers what the member has seen, so stopping and coming back resumes.
 */
export function VotePage() {
  return <RequireSession>{(me) => <Voting me={me} />}</RequireSession>;
}

const choices: { vote: VoteValue; key: 'agree' | 'disagree' | 'pass' }[] = [
  { vote: 1, key: 'agree' },
  { vote: -1, key: 'disagree' },
  { vote: 0, key: 'pass' },
];

function Voting({ me }: { me: MeDto }) {
  const { t } = useTranslation();
  const { issueId } = useParams<{ issueId: string }>();
  const orgId = me.organisation.id;
  const issues = useResource(() => api.issues(orgId), [orgId]);
  const next = useResource(() => api.nextStatement(orgId, issueId), [orgId, issueId]);
  // Done with every statement: a new one (or one newly accepted) is brought up. A statement being
  // read is never swapped for another under the member's eyes.
  useLiveReload(next.reload, (e) => next.data?.statement === null && concernsIssue(e, issueId, ['statement', 'phase']));
  const [voted, setVoted] = useState<{ count: number; last: VoteValue | null }>({ count: 0, last: null });
  const { busy, error, run } = useSubmission();
  const statementRef = useRef<HTMLParagraphElement>(null);
  const title = issues.data?.issues.find((i) => i.id === issueId)?.title;
  const labelOf = (v: VoteValue) => t(`vote.${choices.find((c) => c.vote === v)?.key ?? 'pass'}`);

  async function cast(statementId: string, vote: VoteValue) {
    await run(async () => {
      await api.vote(orgId, statementId, vote, idempotencyKey());
      next.set(await api.nextStatement(orgId, issueId));
      setVoted((v) => ({ count: v.count + 1, last: vote }));
      // The next statement takes the focus, so a screen reader reads it and Tab reaches the buttons again.
      requestAnimationFrame(() => statementRef.current?.focus());
    });
  }

  return (
    <>
      <PageHeading title={t('vote.title')} kicker={title} back={{ href: `/issues/${issueId}`, label: t('vote.back') }} />
      <Loaded resource={next}>
        {({ statement, remaining }) =>
          statement ? (
            <section className="vote-card card" aria-labelledby="vote-statement-label">
              <p className="vote-card__progress" id="vote-statement-label">
                {t('vote.remaining', { count: remaining })}
              </p>
              {statement.origin === 'report' || statement.origin === 'refuted-claim' ? (
                <p className="badge badge--seed">{t(`vote.origin.${statement.origin}`)}</p>
              ) : null}
              <p className="vote-card__statement" tabIndex={-1} ref={statementRef} data-testid="statement-text">
                {statement.text}
              </p>
              <div className="vote-buttons" role="group" aria-label={t('vote.yourVote')}>
                {choices.map((c) => (
                  <button key={c.key} type="button" className={`button button--${c.key}`} disabled={busy} onClick={() => void cast(statement.id, c.vote)}>
                    {t(`vote.${c.key}`)}
                  </button>
                ))}
              </div>
              <p className="hint">{t('vote.passHint')}</p>
            </section>
          ) : (
            <Empty title={t('vote.doneTitle')}>
              <p>{t('vote.done')}</p>
              <p className="actions">
                <Link href={`/issues/${issueId}/write`} className="button">
                  {t('issue.step.write')}
                </Link>
                <Link href={`/issues/${issueId}`} className="button button--secondary">
                  {t('vote.back')}
                </Link>
              </p>
            </Empty>
          )
        }
      </Loaded>
      {error && <ErrorNotice error={error} />}
      <p className="vote-status" role="status">
        {voted.last !== null && t('vote.saved', { vote: labelOf(voted.last), count: voted.count })}
      </p>
      <p className="vote-stop">
        <Link href={`/issues/${issueId}`}>{t('vote.stop')}</Link>
        <span className="hint"> {t('vote.stopHint')}</span>
      </p>
    </>
  );
}
