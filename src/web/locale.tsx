import { createContext, useContext, type ReactNode } from 'react';
import { formattersFor, type Formatters } from './i18n/format.js';

const FormatContext = createContext<Formatters>(formattersFor('en'));

/** Numbers and dates in the reader's locale, for components that format outside a message. */
export function FormatProvider({ locales, children }: { locales: readonly string[]; children: ReactNode }) {
  return <FormatContext.Provider value={formattersFor(locales.length ? locales : ['en'])}>{children}</FormatContext.Provider>;
}

export function useFormat(): Formatters {
  return useContext(FormatContext);
}
