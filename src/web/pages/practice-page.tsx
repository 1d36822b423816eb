import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'wouter';
import { api, type ActionDto, type LineVersionDto, type MeDto, type ReportDto } from '../api/client.js';
import { useSubmission } from '../api/use-submission.js';
import { useResource } from '../api/use-resource.js';
import { currentVersion } from '../components/claims.js';
import { PageHeading } from '../components/page.js';
import { RequireSession } from '../components/require-session.js';
import { Empty, ErrorNotice, Loaded, Success } from '../components/states.js';
import { verdicts, type Verdict } from '../../core/vocabulary.js';
import { textLimits } from '../../contract/limits.js';

/** Test in action: the actions that put the line into practice, and the members' reports on them. */
export function PracticePage() {
  return <RequireSession>{(me) => <Practice me={me} />}</RequireSession>;
}

function Practice({ me }: { me: MeDto }) {
  const { t } = useTranslation();
  const { issueId } = useParams<{ issueId: string }>();
  const orgId = me.organisation.id;
  const issues = useResource(() => api.issues(orgId), [orgId]);
  const data = useResource(async () => {
    const [actions, reports, line] = await Promise.all([api.actions(orgId, issueId), api.reports(orgId, issueId), api.line(orgId, issueId)]);
    return { actions: actions.actions, reports: reports.reports, version: currentVersion(line.versions) };
  }, [orgId, issueId]);
  const title = issues.data?.issues.find((i) => i.id === issueId)?.title;
  return (
    <>
      <PageHeading title={t('practice.title')} kicker={title} back={{ href: `/issues/${issueId}`, label: t('vote.back') }} />
      <p className="lead">{t('practice.lead')}</p>
      <Loaded resource={data}>
        {(d) => (
          <>
            <section aria-labelledby="actions-heading">
              <h2 id="actions-heading">{t('practice.actions')}</h2>
              {d.actions.length === 0 ? (
                <Empty title={t('practice.noActions')} />
              ) : (
                <ul className="plain-list">
                  {d.actions.map((a) => (
                    <li key={a.id} className="card">
                      <h3>{a.title}</h3>
                      {a.description && <p className="prewrap">{a.description}</p>}
                      <p className="meta">{t('practice.actionMeta', { cycle: a.cycleNumber, at: a.createdAt })}</p>
                      <TakePart
                        orgId={orgId}
                        action={a}
                        onChange={(p) => data.set({ ...d, actions: d.actions.map((x) => (x.id === a.id ? { ...x, ...p } : x)) })}
                      />
                    </li>
                  ))}
                </ul>
              )}
            </section>
            <ReportForm
              orgId={orgId}
              issueId={issueId}
              actions={d.actions}
              version={d.version}
              onFiled={(r) => data.set({ ...d, reports: [...d.reports, r] })}
            />
            <Reports reports={d.reports} actions={d.actions} version={d.version} />
          </>
        )}
      </Loaded>
    </>
  );
}

/** Join an action or leave it; how many take part. */
function TakePart({ orgId, action, onChange }: { orgId: string; action: ActionDto; onChange: (p: { participants: number; joinedByMe: boolean }) => void }) {
  const { t } = useTranslation();
  const { busy, error, run } = useSubmission();
  const toggle = () => run(async () => onChange(action.joinedByMe ? await api.leaveAction(orgId, action.id) : await api.joinAction(orgId, action.id)));
  return (
    <div className="take-part">
      <p className="meta" aria-live="polite">
        {t(action.joinedByMe ? 'practice.participantsWithMe' : 'practice.participants', { count: action.participants, others: action.participants - 1 })}
      </p>
      <button
        type="button"
        className={action.joinedByMe ? 'button button--secondary' : 'button'}
        aria-pressed={action.joinedByMe}
        disabled={busy}
        onClick={() => void toggle()}
      >
        {action.joinedByMe ? t('practice.leave') : t('practice.join')}
      </button>
      {error && <ErrorNotice error={error} />}
    </div>
  );
}

function ReportForm({
  orgId,
  issueId,
  actions,
  version,
  onFiled,
}: {
  orgId: string;
  issueId: string;
  actions: ActionDto[];
  version: LineVersionDto | null;
  onFiled: (r: ReportDto) => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const [actionId, setActionId] = useState(actions.length === 1 ? (actions[0]?.id ?? '') : '');
  const [claimId, setClaimId] = useState('');
  const [verdict, setVerdict] = useState<Verdict | ''>('');
  const [whatDone, setWhatDone] = useState('');
  const [whatHappened, setWhatHappened] = useState('');
  const { busy, error, run } = useSubmission();
  const [filed, setFiled] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setFiled(false);
    await run(async () => {
      const report = await api.fileReport(orgId, issueId, {
        ...(actionId ? { actionId } : {}),
        ...(claimId && verdict ? { claimId, verdict } : {}),
        whatDone: whatDone.trim(),
        whatHappened: whatHappened.trim(),
      });
      onFiled(report);
      setFiled(true);
      setWhatDone('');
      setWhatHappened('');
      setClaimId('');
      setVerdict('');
    });
  }

  return (
    <section aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>{t('practice.fileTitle')}</h2>
      <form className="form card" onSubmit={(e) => void submit(e)}>
        {actions.length > 0 && (
          <div className="field">
            <label htmlFor={`${id}-action`}>{t('practice.action')}</label>
            <select id={`${id}-action`} value={actionId} onChange={(e) => setActionId(e.target.value)}>
              <option value="">{t('practice.noAction')}</option>
              {actions.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.title}
                </option>
              ))}
            </select>
          </div>
        )}
        <div className="field">
          <label htmlFor={`${id}-done`}>{t('practice.whatDone')}</label>
          <textarea
            id={`${id}-done`}
            value={whatDone}
            onChange={(e) => setWhatDone(e.target.value)}
            rows={3}
            required
            minLength={textLimits.report.min}
            maxLength={textLimits.report.max}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-happened`}>{t('practice.whatHappened')}</label>
          <textarea
            id={`${id}-happened`}
            value={whatHappened}
            onChange={(e) => setWhatHappened(e.target.value)}
            rows={3}
            required
            minLength={textLimits.report.min}
            maxLength={textLimits.report.max}
          />
        </div>
        {version && (
          <>
            <div className="field">
              <label htmlFor={`${id}-claim`}>{t('practice.claim')}</label>
              <p className="hint" id={`${id}-claim-hint`}>
                {t('practice.claimHint')}
              </p>
              <select id={`${id}-claim`} aria-describedby={`${id}-claim-hint`} value={claimId} onChange={(e) => setClaimId(e.target.value)}>
                <option value="">{t('practice.noClaim')}</option>
                {version.claims.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.text}
                  </option>
                ))}
              </select>
            </div>
            {claimId && (
              <fieldset>
                <legend>{t('practice.verdict')}</legend>
                {verdicts.map((v) => (
                  <div className="choice" key={v}>
                    <input type="radio" id={`${id}-${v}`} name={`${id}-verdict`} value={v} checked={verdict === v} onChange={() => setVerdict(v)} required />
                    <label htmlFor={`${id}-${v}`}>{t(`practice.verdicts.${v}`)}</label>
                  </div>
                ))}
              </fieldset>
            )}
          </>
        )}
        {error && <ErrorNotice error={error} />}
        <button type="submit" className="button" disabled={busy}>
          {t('practice.submit')}
        </button>
        {filed && (
          <Success>
            <p className="notice__title">{t('practice.filed')}</p>
          </Success>
        )}
      </form>
    </section>
  );
}

function Reports({ reports, actions, version }: { reports: ReportDto[]; actions: ActionDto[]; version: LineVersionDto | null }) {
  const { t } = useTranslation();
  const claimText = (id: string | null) => version?.claims.find((c) => c.id === id)?.text;
  const actionTitle = (id: string | null) => actions.find((a) => a.id === id)?.title;
  const newestFirst = [...reports].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  return (
    <section aria-labelledby="reports-heading">
      <h2 id="reports-heading">{t('practice.reports', { count: reports.length })}</h2>
      {newestFirst.length === 0 ? (
        <Empty title={t('practice.noReports')} />
      ) : (
        <ul className="plain-list">
          {newestFirst.map((r) => (
            <li key={r.id} className="card report">
              <p className="meta">
                {t('practice.reportMeta', { at: r.createdAt, cycle: r.cycleNumber })}
                {actionTitle(r.actionId) && <> · {actionTitle(r.actionId)}</>}
              </p>
              <dl className="report__body">
                <dt>{t('practice.whatDone')}</dt>
                <dd className="prewrap">{r.whatDone}</dd>
                <dt>{t('practice.whatHappened')}</dt>
                <dd className="prewrap">{r.whatHappened}</dd>
                {r.verdict && (
                  <>
                    <dt>{t('practice.verdict')}</dt>
                    <dd>
                      <span className={`badge badge--${r.verdict}`}>{t(`practice.verdicts.${r.verdict}`)}</span>{' '}
                      {claimText(r.claimId) && <q>{claimText(r.claimId)}</q>}
                    </dd>
                  </>
                )}
              </dl>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
