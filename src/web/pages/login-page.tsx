import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation } from 'wouter';
import { api } from '../api/client.js';
import { useSubmission } from '../api/use-submission.js';
import { PageHeading } from '../components/page.js';
import { ErrorNotice } from '../components/states.js';
import { hasRole, useSession } from '../session.js';

/** Organisers and admins log in; members come in through their invite link. */
export function LoginPage() {
  const { t } = useTranslation();
  const { setMe } = useSession();
  const [, navigate] = useLocation();
  const [organisation, setOrganisation] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const { busy, error, run } = useSubmission();
  const id = useId();

  async function submit(e: FormEvent) {
    e.preventDefault();
    await run(async () => {
      const me = await api.login({ organisation: organisation.trim(), email, password });
      setMe(me);
      navigate(hasRole(me, 'organiser') ? '/organise' : '/');
    });
  }

  return (
    <>
      <PageHeading title={t('login.title')} />
      <p className="lead">{t('login.lead')}</p>
      <form className="form card" onSubmit={(e) => void submit(e)}>
        <div className="field">
          <label htmlFor={`${id}-org`}>{t('login.organisation')}</label>
          <p className="hint" id={`${id}-org-hint`}>
            {t('login.organisationHint')}
          </p>
          <input
            id={`${id}-org`}
            aria-describedby={`${id}-org-hint`}
            value={organisation}
            onChange={(e) => setOrganisation(e.target.value)}
            required
            autoCapitalize="none"
            autoComplete="organization"
            spellCheck={false}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-email`}>{t('login.email')}</label>
          <input id={`${id}-email`} type="email" value={email} onChange={(e) => setEmail(e.target.value)} required autoComplete="username" />
        </div>
        <div className="field">
          <label htmlFor={`${id}-password`}>{t('login.password')}</label>
          <input
            id={`${id}-password`}
            type="password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
            autoComplete="current-password"
          />
        </div>
        {error && <ErrorNotice error={error} />}
        <button type="submit" className="button" disabled={busy}>
          {busy ? t('login.busy') : t('login.submit')}
        </button>
      </form>
    </>
  );
}
