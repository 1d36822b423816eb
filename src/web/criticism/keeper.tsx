/**
 * Mounted once for the whole app: for a logged-in member, on every page load, whatever the page,
 * the wallet is refilled in the background (this week's tokens and next week's), and criticism
 * waiting for its moment is sent when the moment comes. So being issued tokens says nothing about
 * who criticises, and a token is issued long before it is spent.
 */
import { useEffect } from 'react';
import { useSession } from '../session.js';
import { watchOutbox } from './outbox.js';
import { refill } from './refill.js';

export function CriticismKeeper() {
  const { me } = useSession();
  const orgId = me?.organisation.id;
  useEffect(() => {
    if (!orgId) return;
    // Once per page load: refill() answers later calls with the same attempt.
    void refill(orgId);
    return watchOutbox(orgId);
  }, [orgId]);
  return null;
}
