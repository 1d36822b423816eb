import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { api, type MeDto, type MemberLoopDto } from '../api/client.js';
import { useResource } from '../api/use-resource.js';
import { PageHeading } from '../components/page.js';
import { RequireSession } from '../components/require-session.js';
import { Empty, Loaded } from '../components/states.js';

type CitingClaim = MemberLoopDto['statements'][number]['citedBy'][number];

/** The member's loop closed: which claims of the line cite what they said, and what their reports tested. */
export function MyInputPage() {
  return <RequireSession>{(me) => <MyInput me={me} />}</RequireSession>;
}

function MyInput({ me }: { me: MeDto }) {
  const { t } = useTranslation();
  const orgId = me.organisation.id;
  const data = useResource(async () => {
    const [loop, issues] = await Promise.all([api.myInput(orgId), api.issues(orgId)]);
    return { loop, titles: new Map(issues.issues.map((i) => [i.id, i.title])) };
  }, [orgId]);
  return (
    <>
      <PageHeading title={t('myInput.title')} kicker={me.organisation.name} />
      <p className="lead">{t('myInput.lead')}</p>
      <Loaded resource={data}>{({ loop, titles }) => <Loop loop={loop} titles={titles} />}</Loaded>
    </>
  );
}

function Loop({ loop, titles }: { loop: MemberLoopDto; titles: Map<string, string> }) {
  const { t } = useTranslation();
  if (loop.statements.length === 0 && loop.reports.length === 0) {
    return (
      <Empty title={t('myInput.emptyTitle')}>
        <p>{t('myInput.empty')}</p>
        <Link href="/">{t('session.toIssues')}</Link>
      </Empty>
    );
  }
  const shown = loop.statements.filter((s) => s.wrote || s.citedBy.length > 0);
  const quiet = loop.statements.length - shown.length;
  return (
    <>
      <p className="meta">{loop.how}</p>
      <section aria-labelledby="statements-heading">
        <h2 id="statements-heading">{t('myInput.statementsTitle')}</h2>
        {shown.length === 0 ? null : (
          <ul className="plain-list">
            {shown.map((s) => (
              <li key={s.statementId} className="card">
                <p className="meta">
                  {titles.get(s.issueId) ?? ''} · {s.wrote ? t('myInput.wrote') : t('myInput.voted')}
                </p>
                <p className="fate__text">{s.text ?? t('map.hiddenStatement')}</p>
                {s.mergedInto !== null && (
                  <p>
                    {t('myInput.mergedInto')} {s.mergedIntoText !== null && <q>{s.mergedIntoText}</q>}
                  </p>
                )}
                {s.citedBy.length === 0 ? <p className="hint">{t('myInput.notCited')}</p> : <Citations claims={s.citedBy} />}
              </li>
            ))}
          </ul>
        )}
        {quiet > 0 && <p>{t('myInput.quiet', { count: quiet })}</p>}
      </section>
      <section aria-labelledby="reports-heading">
        <h2 id="reports-heading">{t('myInput.reportsTitle')}</h2>
        {loop.reports.length === 0 ? (
          <Empty title={t('myInput.noReports')} />
        ) : (
          <ul className="plain-list">
            {loop.reports.map((r) => (
              <li key={r.reportId} className="card">
                <p className="meta">
                  {titles.get(r.issueId) ?? ''} · {t('date', { at: new Date(r.at).toISOString() })}
                </p>
                {r.claim ? (
                  <p>
                    {r.verdict && <span className={`badge badge--${r.verdict}`}>{t(`practice.verdicts.${r.verdict}`)}</span>} <q>{r.claim.text}</q>
                  </p>
                ) : (
                  <p>{t('myInput.noClaim')}</p>
                )}
                {r.claimNow && <p>{t(`myInput.claimNow.${r.claimNow}`)}</p>}
                {r.citedBy.length > 0 && <Citations claims={r.citedBy} />}
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}

function Citations({ claims }: { claims: CitingClaim[] }) {
  const { t } = useTranslation();
  return (
    <ul className="citations">
      {claims.map((c) => (
        <li key={c.claimId}>
          {t(c.current ? 'myInput.citedCurrent' : 'myInput.citedPast', { number: c.versionNumber })} <q>{c.text}</q>
          {c.tests.length > 0 && <span className="hint"> {t('myInput.tested', { count: c.tests.length })}</span>}
        </li>
      ))}
    </ul>
  );
}
