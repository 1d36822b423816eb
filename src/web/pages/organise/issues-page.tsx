import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'wouter';
import { api, type MeDto } from '../../api/client.js';
import { useSubmission } from '../../api/use-submission.js';
import { useResource } from '../../api/use-resource.js';
import { concernsIssue, useLiveReload } from '../../api/use-live.js';
import { PageHeading } from '../../components/page.js';
import { PhaseBadge } from '../../components/phase-steps.js';
import { RequireSession } from '../../components/require-session.js';
import { TableWrap } from '../../components/table-wrap.js';
import { Empty, ErrorNotice, Loaded } from '../../components/states.js';
import { CriticismSummary } from '../../criticism/views.js';
import { textLimits } from '../../../contract/limits.js';

/** The organisers' desk: every issue with its phase, and a new one. */
export function OrganiseIssuesPage() {
  return <RequireSession role="organiser">{(me) => <Issues me={me} />}</RequireSession>;
}

function Issues({ me }: { me: MeDto }) {
  const { t } = useTranslation();
  const orgId = me.organisation.id;
  const issues = useResource(() => api.issues(orgId), [orgId]);
  useLiveReload(issues.reload, (e) => concernsIssue(e, null, ['phase', 'issue']));
  return (
    <>
      <PageHeading title={t('organise.title')} kicker={me.organisation.name} />
      <Loaded resource={issues}>
        {({ issues: list }) =>
          list.length === 0 ? (
            <Empty title={t('organise.noIssues')}>
              <p>{t('organise.noIssuesHint')}</p>
            </Empty>
          ) : (
            <TableWrap label={t('organise.tableCaption')}>
              <table>
                <caption className="visually-hidden">{t('organise.tableCaption')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('organise.issue')}</th>
                    <th scope="col">{t('organise.phase')}</th>
                    <th scope="col">{t('organise.since')}</th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((issue) => (
                    <tr key={issue.id}>
                      <th scope="row">
                        <Link href={`/organise/issues/${issue.id}`}>{issue.title}</Link>
                      </th>
                      <td>
                        <PhaseBadge phase={issue.cycle.phase} /> {t('phase.cycleShort', { number: issue.cycle.number })}
                      </td>
                      <td>{t('ago', { at: issue.cycle.startedAt })}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          )
        }
      </Loaded>
      <CriticismSummary orgId={orgId} />
      <NewIssue orgId={orgId} />
    </>
  );
}

function NewIssue({ orgId }: { orgId: string }) {
  const { t } = useTranslation();
  const [, navigate] = useLocation();
  const id = useId();
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const { busy, error, run } = useSubmission();

  async function submit(e: FormEvent) {
    e.preventDefault();
    await run(async () => {
      const issue = await api.createIssue(orgId, { title: title.trim(), description: description.trim() });
      navigate(`/organise/issues/${issue.id}`);
    });
  }

  return (
    <section aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>{t('organise.newIssue')}</h2>
      <form className="form card" onSubmit={(e) => void submit(e)}>
        <div className="field">
          <label htmlFor={`${id}-title`}>{t('organise.issueTitle')}</label>
          <p className="hint" id={`${id}-title-hint`}>
            {t('organise.issueTitleHint')}
          </p>
          <input
            id={`${id}-title`}
            aria-describedby={`${id}-title-hint`}
            value={title}
            onChange={(e) => setTitle(e.target.value)}
            required
            maxLength={textLimits.issueTitle.max}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-description`}>
            {t('organise.issueDescription')} <span className="optional">{t('form.optional')}</span>
          </label>
          <textarea
            id={`${id}-description`}
            value={description}
            onChange={(e) => setDescription(e.target.value)}
            rows={3}
            maxLength={textLimits.issueDescription.max}
          />
        </div>
        {error && <ErrorNotice error={error} />}
        <button type="submit" className="button" disabled={busy}>
          {t('organise.open')}
        </button>
      </form>
    </section>
  );
}
