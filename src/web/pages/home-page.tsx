import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { api, type IssueSummaryDto, type MeDto } from '../api/client.js';
import { useResource } from '../api/use-resource.js';
import { concernsIssue, useLiveReload } from '../api/use-live.js';
import { PageHeading } from '../components/page.js';
import { PhaseBadge } from '../components/phase-steps.js';
import { Empty, Loaded, Loading } from '../components/states.js';
import { hasRole, useSession } from '../session.js';

/** The front door: what Massline is for a visitor; the issues and what to do in each for a member. */
export function HomePage() {
  const { me } = useSession();
  if (me === undefined) return <Loading />;
  return me ? <Issues me={me} /> : <Welcome />;
}

function Welcome() {
  const { t } = useTranslation();
  return (
    <>
      <PageHeading title={t('home.welcomeTitle')} />
      <p className="lead">{t('home.welcome')}</p>
      <div className="cards">
        <section className="card">
          <h2>{t('home.membersTitle')}</h2>
          <p>{t('home.members')}</p>
        </section>
        <section className="card">
          <h2>{t('home.organisersTitle')}</h2>
          <p>{t('home.organisers')}</p>
          <Link href="/login" className="button">
            {t('layout.login')}
          </Link>
        </section>
      </div>
    </>
  );
}

function Issues({ me }: { me: MeDto }) {
  const { t } = useTranslation();
  const issues = useResource(() => api.issues(me.organisation.id), [me.organisation.id]);
  useLiveReload(issues.reload, (e) => concernsIssue(e, null, ['phase', 'issue']));
  return (
    <>
      <PageHeading title={t('home.issuesTitle')} kicker={me.organisation.name}>
        <p className="lead">{t('home.issuesLead', { name: me.member.displayName })}</p>
      </PageHeading>
      <Loaded resource={issues}>
        {({ issues: list }) =>
          list.length === 0 ? (
            <Empty title={t('home.noIssues')}>{hasRole(me, 'organiser') && <Link href="/organise">{t('home.openOne')}</Link>}</Empty>
          ) : (
            <ul className="issue-list" aria-label={t('home.issuesTitle')}>
              {list.map((issue) => (
                <IssueItem key={issue.id} issue={issue} />
              ))}
            </ul>
          )
        }
      </Loaded>
    </>
  );
}

function IssueItem({ issue }: { issue: IssueSummaryDto }) {
  const { t } = useTranslation();
  return (
    <li className="issue-list__item card">
      <h2>
        <Link href={`/issues/${issue.id}`}>{issue.title}</Link>
      </h2>
      <p className="meta">
        <PhaseBadge phase={issue.cycle.phase} /> {t('phase.cycle', { number: issue.cycle.number })}
        {issue.status === 'resolved' && <> · {t('issue.resolved')}</>}
      </p>
      <p className="issue-list__next">{t(`phase.${issue.cycle.phase}.member`)}</p>
    </li>
  );
}
