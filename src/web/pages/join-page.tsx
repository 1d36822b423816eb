import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation, useParams } from 'wouter';
import { api } from '../api/client.js';
import { useSubmission } from '../api/use-submission.js';
import { useResource } from '../api/use-resource.js';
import { PageHeading } from '../components/page.js';
import { ErrorNotice, Loaded } from '../components/states.js';
import { useSession } from '../session.js';
import { textLimits } from '../../contract/limits.js';

/** /join/:token: the invite link a member was sent. */
export function JoinPage() {
  const { t } = useTranslation();
  const { token } = useParams<{ token: string }>();
  const preview = useResource(() => api.invitePreview(token), [token]);
  return (
    <Loaded resource={preview}>
      {(invite) => (
        <>
          <PageHeading title={t('join.title', { organisation: invite.organisation.name })} />
          {invite.usable ? (
            <>
              <p className="lead">{t('join.lead')}</p>
              <JoinForm token={token} />
            </>
          ) : (
            <div className="notice notice--error" role="alert">
              <p className="notice__title">{t('join.unusable')}</p>
              <p>{t('join.askAgain')}</p>
            </div>
          )}
        </>
      )}
    </Loaded>
  );
}

function JoinForm({ token }: { token: string }) {
  const { t } = useTranslation();
  const { setMe } = useSession();
  const [, navigate] = useLocation();
  const [displayName, setDisplayName] = useState('');
  const [constituency, setConstituency] = useState('');
  const { busy, error, run } = useSubmission();
  const nameId = useId();
  const constituencyId = useId();

  async function submit(e: FormEvent) {
    e.preventDefault();
    await run(async () => {
      const me = await api.acceptInvite(token, { displayName, constituency: constituency.trim() || null });
      setMe(me);
      navigate('/');
    });
  }

  return (
    <form className="form card" onSubmit={(e) => void submit(e)}>
      <div className="field">
        <label htmlFor={nameId}>{t('join.displayName')}</label>
        <p className="hint" id={`${nameId}-hint`}>
          {t('join.displayNameHint')}
        </p>
        <input
          id={nameId}
          aria-describedby={`${nameId}-hint`}
          value={displayName}
          onChange={(e) => setDisplayName(e.target.value)}
          required
          maxLength={textLimits.displayName.max}
          autoComplete="nickname"
        />
      </div>
      <div className="field">
        <label htmlFor={constituencyId}>
          {t('join.constituency')} <span className="optional">{t('form.optional')}</span>
        </label>
        <p className="hint" id={`${constituencyId}-hint`}>
          {t('join.constituencyHint')}
        </p>
        <input
          id={constituencyId}
          aria-describedby={`${constituencyId}-hint`}
          value={constituency}
          onChange={(e) => setConstituency(e.target.value)}
          maxLength={textLimits.constituency.max}
        />
      </div>
      {error && <ErrorNotice error={error} />}
      <button type="submit" className="button" disabled={busy}>
        {busy ? t('join.joining') : t('join.submit')}
      </button>
    </form>
  );
}
