import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nextProvider } from 'react-i18next';
import { setupI18n } from './i18n/i18n.js';
import { FormatProvider } from './locale.js';
import { SessionProvider } from './session.js';
import { App } from './app.js';
import './styles.css';

const locales = navigator.languages.length ? navigator.languages : [navigator.language];
const i18n = await setupI18n(locales);
document.documentElement.lang = i18n.language;

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <I18nextProvider i18n={i18n}>
      <FormatProvider locales={locales}>
        <SessionProvider>
          <App />
        </SessionProvider>
      </FormatProvider>
    </I18nextProvider>
  </StrictMode>,
);
