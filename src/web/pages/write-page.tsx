import { useEffect, useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'wouter';
import { api, type MeDto, type SimilarStatementsDto, type StatementDto } from '../api/client.js';
import { asApiError, useSubmission } from '../api/use-submission.js';
import { idempotencyKey } from '../api/idempotency.js';
import { useResource } from '../api/use-resource.js';
import { PageHeading } from '../components/page.js';
import { RequireSession } from '../components/require-session.js';
import { ErrorNotice, Success } from '../components/states.js';
import type { VoteValue } from '../../core/vocabulary.js';
import { textLimits } from '../../contract/limits.js';

const { min: MIN, max: MAX } = textLimits.statement;
/** Suggestions start once this much is typed, and wait for a pause in the typing. */
const SUGGEST_FROM = 5;
const SUGGEST_AFTER_MS = 150;

type Match = SimilarStatementsDto['matches'][number];

const choices: { vote: VoteValue; key: 'agree' | 'disagree' | 'pass' }[] = [
  { vote: 1, key: 'agree' },
  { vote: -1, key: 'disagree' },
  { vote: 0, key: 'pass' },
];

/** A member adds a statement for others to vote on; as they type, the statements like theirs are offered to vote on instead. */
export function WritePage() {
  return <RequireSession>{(me) => <Write me={me} />}</RequireSession>;
}

/**
 * The statements closest to `text`, asked for after a pause in the typing; an answer that a
 * newer text overtook is dropped. Null while there is nothing to ask (too little typed).
 */
function useSimilar(orgId: string, issueId: string, text: string): { matches: Match[] | null; settled: boolean; replace: (m: Match) => void } {
  const query = text.trim();
  const [answer, setAnswer] = useState<{ query: string; matches: Match[] } | null>(null);
  useEffect(() => {
    if (query.length < SUGGEST_FROM) return;
    let current = true;
    const timer = setTimeout(() => {
      api.similar(orgId, issueId, query).then(
        (r) => current && setAnswer({ query, matches: r.matches }),
        // Suggestions are a help, not the task: a failed one leaves the form as it is.
        () => current && setAnswer({ query, matches: [] }),
      );
    }, SUGGEST_AFTER_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [orgId, issueId, query]);
  const replace = (m: Match) => setAnswer((a) => (a ? { ...a, matches: a.matches.map((x) => (x.statement.id === m.statement.id ? m : x)) } : a));
  if (query.length < SUGGEST_FROM || !answer) return { matches: null, settled: false, replace };
  return { matches: answer.matches, settled: answer.query === query, replace };
}

function Write({ me }: { me: MeDto }) {
  const { t } = useTranslation();
  const { issueId } = useParams<{ issueId: string }>();
  const orgId = me.organisation.id;
  const issues = useResource(() => api.issues(orgId), [orgId]);
  const title = issues.data?.issues.find((i) => i.id === issueId)?.title;
  const [text, setText] = useState('');
  const [sent, setSent] = useState<StatementDto[]>([]);
  const { busy, error, run } = useSubmission();
  const similar = useSimilar(orgId, issueId, text);
  const id = useId();
  const length = text.trim().length;

  async function submit(e: FormEvent) {
    e.preventDefault();
    await run(async () => {
      const statement = await api.submitStatement(orgId, issueId, text.trim());
      setSent((s) => [statement, ...s]);
      setText('');
    });
  }

  return (
    <>
      <PageHeading title={t('write.title')} kicker={title} back={{ href: `/issues/${issueId}`, label: t('vote.back') }} />
      <p className="lead">{t('write.lead')}</p>
      <form className="form card" onSubmit={(e) => void submit(e)}>
        <div className="field">
          <label htmlFor={id}>{t('write.label')}</label>
          <p className="hint" id={`${id}-hint`}>
            {t('write.hint')}
          </p>
          <textarea
            id={id}
            aria-describedby={`${id}-hint ${id}-count ${id}-similar`}
            value={text}
            onChange={(e) => setText(e.target.value)}
            rows={4}
            maxLength={MAX}
            required
            minLength={MIN}
          />
          <p className={length > MAX - 40 ? 'counter counter--near' : 'counter'} id={`${id}-count`}>
            {t('write.count', { count: length, max: MAX })}
          </p>
          {/* Announced when a pause in the typing brings an answer: how many statements are like this one. */}
          <p className="hint" id={`${id}-similar`} role="status">
            {similar.matches &&
              similar.settled &&
              (similar.matches.length > 0 ? t('write.similar.found', { count: similar.matches.length }) : t('write.similar.none'))}
          </p>
        </div>
        {error && <ErrorNotice error={error} />}
        <button type="submit" className="button" disabled={busy || length < MIN}>
          {busy ? t('write.sending') : t('write.submit')}
        </button>
      </form>
      {similar.matches && similar.matches.length > 0 && <SimilarStatements orgId={orgId} matches={similar.matches} onVoted={similar.replace} />}
      {sent.length > 0 && (
        <Success>
          <p className="notice__title">{sent[0]?.status === 'accepted' ? t('write.sentOpen') : t('write.sentModeration')}</p>
          <ul className="sent-list">
            {sent.map((s) => (
              <li key={s.id}>{s.text}</li>
            ))}
          </ul>
          <p>
            <Link href={`/issues/${issueId}/vote`}>{t('write.toVoting')}</Link>
          </p>
        </Success>
      )}
    </>
  );
}

/** The statements like the one being written, each with the member's vote on it and the buttons to vote right here. */
function SimilarStatements({ orgId, matches, onVoted }: { orgId: string; matches: Match[]; onVoted: (m: Match) => void }) {
  const { t } = useTranslation();
  const id = useId();
  const [busy, setBusy] = useState<string | null>(null);
  const [saved, setSaved] = useState<{ text: string; vote: VoteValue } | null>(null);
  const [error, setError] = useState<ReturnType<typeof asApiError> | null>(null);
  const labelOf = (v: VoteValue) => t(`vote.${choices.find((c) => c.vote === v)?.key ?? 'pass'}`);

  async function cast(m: Match, vote: VoteValue) {
    setBusy(m.statement.id);
    setError(null);
    try {
      await api.vote(orgId, m.statement.id, vote, idempotencyKey());
      onVoted({ ...m, statement: { ...m.statement, myVote: vote } });
      setSaved({ text: m.statement.text, vote });
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(null);
    }
  }

  return (
    <section aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>{t('write.similar.title')}</h2>
      <p className="hint">{t('write.similar.hint')}</p>
      <ul className="plain-list">
        {matches.map((m) => (
          <li key={m.statement.id} className="card">
            <p className="moderation-item__text" id={`${id}-${m.statement.id}`}>
              {m.statement.text}
            </p>
            {m.statement.myVote !== null && <p className="meta">{t('write.similar.yourVote', { vote: labelOf(m.statement.myVote) })}</p>}
            <div className="vote-buttons" role="group" aria-labelledby={`${id}-vote ${id}-${m.statement.id}`}>
              {choices.map((c) => (
                <button
                  key={c.key}
                  type="button"
                  className={`button button--${c.key}`}
                  aria-pressed={m.statement.myVote === c.vote}
                  disabled={busy === m.statement.id}
                  onClick={() => void cast(m, c.vote)}
                >
                  {t(`vote.${c.key}`)}
                </button>
              ))}
            </div>
          </li>
        ))}
      </ul>
      <span id={`${id}-vote`} hidden>
        {t('write.similar.voteOn')}
      </span>
      {error && <ErrorNotice error={error} />}
      <p className="vote-status" role="status">
        {saved && t('write.similar.saved', { vote: labelOf(saved.vote), text: saved.text })}
      </p>
    </section>
  );
}
