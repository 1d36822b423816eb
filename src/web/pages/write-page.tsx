import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'wouter';
import { api, type MeDto, type StatementDto } from '../api/client.js';
import { useSubmission } from '../api/use-submission.js';
import { useResource } from '../api/use-resource.js';
import { PageHeading } from '../components/page.js';
import { RequireSession } from '../components/require-session.js';
import { ErrorNotice, Success } from '../components/states.js';

const MIN = 3;
const MAX = 400;

/** A member adds a statement for others to vote on. */
export function WritePage() {
  return <RequireSession>{(me) => <Write me={me} />}</RequireSession>;
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
          <textarea id={id} aria-describedby={`${id}-hint ${id}-count`} value={text} onChange={(e) => setText(e.target.value)} rows={4} maxLength={MAX} required minLength={MIN} />
          <p className={length > MAX - 40 ? 'counter counter--near' : 'counter'} id={`${id}-count`}>
            {t('write.count', { count: length, max: MAX })}
          </p>
        </div>
        {error && <ErrorNotice error={error} />}
        <button type="submit" className="button" disabled={busy || length < MIN}>
          {busy ? t('write.sending') : t('write.submit')}
        </button>
      </form>
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
