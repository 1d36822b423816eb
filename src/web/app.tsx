import { lazy, Suspense, type ComponentType } from 'react';
import { useTranslation } from 'react-i18next';
import { Route, Switch } from 'wouter';
import { Layout } from './components/layout.js';
import { Loading } from './components/states.js';
import { PageHeading } from './components/page.js';

/** Each page is its own chunk: the member's voting page loads none of the organisers' charts. */
function page<K extends string>(load: () => Promise<Record<K, ComponentType>>, name: K) {
  return lazy(async () => ({ default: (await load())[name] }));
}

const HomePage = page(() => import('./pages/home-page.js'), 'HomePage');
const JoinPage = page(() => import('./pages/join-page.js'), 'JoinPage');
const LoginPage = page(() => import('./pages/login-page.js'), 'LoginPage');
const IssuePage = page(() => import('./pages/issue-page.js'), 'IssuePage');
const VotePage = page(() => import('./pages/vote-page.js'), 'VotePage');
const WritePage = page(() => import('./pages/write-page.js'), 'WritePage');
const LinePage = page(() => import('./pages/line-page.js'), 'LinePage');
const PracticePage = page(() => import('./pages/practice-page.js'), 'PracticePage');
const OrganiseIssuesPage = page(() => import('./pages/organise/issues-page.js'), 'OrganiseIssuesPage');
const OrganiseIssuePage = page(() => import('./pages/organise/issue-page.js'), 'OrganiseIssuePage');
const ModerationPage = page(() => import('./pages/organise/moderation-page.js'), 'ModerationPage');
const OpinionMapPage = page(() => import('./pages/organise/opinion-map-page.js'), 'OpinionMapPage');
const LineEditorPage = page(() => import('./pages/organise/line-editor-page.js'), 'LineEditorPage');
const ThemesPage = page(() => import('./pages/organise/themes-page.js'), 'ThemesPage');
const MembersPage = page(() => import('./pages/organise/members-page.js'), 'MembersPage');
const HealthPage = page(() => import('./pages/organise/health-page.js'), 'HealthPage');
const PrincipalPage = page(() => import('./pages/organise/principal-page.js'), 'PrincipalPage');
const MyInputPage = page(() => import('./pages/my-input-page.js'), 'MyInputPage');
const CriticismPage = page(() => import('./pages/criticism-page.js'), 'CriticismPage');
const CriticismInboxPage = page(() => import('./pages/organise/criticism-inbox-page.js'), 'CriticismInboxPage');
const GlossaryPage = page(() => import('./pages/glossary-page.js'), 'GlossaryPage');
/** On every page: the criticism wallet refilled ahead and scheduled criticism sent (its own chunk, off the pages' way). */
const CriticismKeeper = page(() => import('./criticism/keeper.js'), 'CriticismKeeper');

function NotFound() {
  const { t } = useTranslation();
  return (
    <>
      <PageHeading title={t('notFound.title')} />
      <p>{t('notFound.body')}</p>
    </>
  );
}

export function App() {
  return (
    <Layout>
      <Suspense fallback={null}>
        <CriticismKeeper />
      </Suspense>
      <Suspense fallback={<Loading />}>
        <Switch>
          <Route path="/" component={HomePage} />
          <Route path="/join/:token" component={JoinPage} />
          <Route path="/login" component={LoginPage} />
          <Route path="/issues/:issueId" component={IssuePage} />
          <Route path="/issues/:issueId/vote" component={VotePage} />
          <Route path="/issues/:issueId/write" component={WritePage} />
          <Route path="/issues/:issueId/line" component={LinePage} />
          <Route path="/issues/:issueId/practice" component={PracticePage} />
          <Route path="/organise" component={OrganiseIssuesPage} />
          <Route path="/me/input" component={MyInputPage} />
          <Route path="/criticism" component={CriticismPage} />
          <Route path="/glossary" component={GlossaryPage} />
          <Route path="/organise/members" component={MembersPage} />
          <Route path="/organise/health" component={HealthPage} />
          <Route path="/organise/principal" component={PrincipalPage} />
          <Route path="/organise/criticism" component={CriticismInboxPage} />
          <Route path="/organise/issues/:issueId" component={OrganiseIssuePage} />
          <Route path="/organise/issues/:issueId/moderation" component={ModerationPage} />
          <Route path="/organise/issues/:issueId/map" component={OpinionMapPage} />
          <Route path="/organise/issues/:issueId/line" component={LineEditorPage} />
          <Route path="/organise/issues/:issueId/themes" component={ThemesPage} />
          <Route component={NotFound} />
        </Switch>
      </Suspense>
    </Layout>
  );
}
