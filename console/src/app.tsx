/** The console's frame (skip link, header, navigation, sign-out) and its routes. */
import type { ReactNode } from 'react';
import { Link, Navigate, NavLink, Route, Routes, useLocation } from 'react-router';
import type { Role } from '#shared/domain/auth.ts';
import { PageHeading } from './components/PageHeading.tsx';
import { AuthCallbackPage } from './pages/AuthCallbackPage.tsx';
import { DutyEstimatePage } from './pages/DutyEstimatePage.tsx';
import { MyDeclarationsPage } from './pages/MyDeclarationsPage.tsx';
import { NewRiskProfilePage } from './pages/NewRiskProfilePage.tsx';
import { OfficerDeclarationPage } from './pages/OfficerDeclarationPage.tsx';
import { ReviewQueuePage } from './pages/ReviewQueuePage.tsx';
import { RiskProfilePage } from './pages/RiskProfilePage.tsx';
import { RiskProfilesPage } from './pages/RiskProfilesPage.tsx';
import { SignInPage } from './pages/SignInPage.tsx';
import { StatisticsPage } from './pages/StatisticsPage.tsx';
import { TariffPage } from './pages/TariffPage.tsx';
import { TraderAmendmentPage } from './pages/TraderAmendmentPage.tsx';
import { TraderDeclarationPage } from './pages/TraderDeclarationPage.tsx';
import { VerifyPage } from './pages/VerifyPage.tsx';
import { type Session, useSession } from './session.tsx';

export const homeFor = (session: Session | undefined): string =>
  !session ? '/sign-in' : session.role === 'trader' ? '/declarations' : '/review';

const roleNames: Record<Role, string> = {
  trader: 'trader',
  officer: 'customs officer',
  admin: 'administrator',
  carrier: 'carrier',
  agency: 'partner agency',
};

export function App() {
  const { session, signOut } = useSession();
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="site-header">
        <div className="header-inner">
          <Link to={homeFor(session)} className="brand">
            Customs console
          </Link>
          {session && (
            <nav aria-label="Main">
              <ul>
                {session.role === 'trader' ? (
                  <>
                    <li>
                      <NavLink to="/declarations" end>
                        My declarations
                      </NavLink>
                    </li>
                    <li>
                      <NavLink to="/estimate">Duty estimate</NavLink>
                    </li>
                  </>
                ) : (
                  <>
                    <li>
                      <NavLink to="/review" end>
                        Review queue
                      </NavLink>
                    </li>
                    <li>
                      <NavLink to="/statistics">Statistics</NavLink>
                    </li>
                    <li>
                      <NavLink to="/risk-profiles">Risk profiles</NavLink>
                    </li>
                    <li>
                      <NavLink to="/tariff">Tariff</NavLink>
                    </li>
                  </>
                )}
              </ul>
            </nav>
          )}
          {session && (
            <div className="who">
              <span>
                {session.name}
                {session.party ? <span className="muted"> · {session.party}</span> : null}
                {session.name.toLowerCase().includes(roleNames[session.role]) ? null : (
                  <span className="muted"> ({roleNames[session.role]})</span>
                )}
              </span>
              <button type="button" onClick={signOut}>
                Sign out
              </button>
            </div>
          )}
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Routes>
          <Route index element={<Navigate to={homeFor(session)} replace />} />
          <Route path="sign-in" element={<SignInPage />} />
          <Route path="auth/callback" element={<AuthCallbackPage />} />
          {/* Public: a printed document's QR code leads here; no sign-in. */}
          <Route path="verify" element={<VerifyPage />} />
          <Route
            path="review"
            element={
              <RequireRole roles={['officer', 'admin']}>
                <ReviewQueuePage />
              </RequireRole>
            }
          />
          <Route
            path="review/declarations/:id"
            element={
              <RequireRole roles={['officer', 'admin']}>
                <OfficerDeclarationPage />
              </RequireRole>
            }
          />
          <Route
            path="statistics"
            element={
              <RequireRole roles={['officer', 'admin']}>
                <StatisticsPage />
              </RequireRole>
            }
          />
          <Route
            path="declarations"
            element={
              <RequireRole roles={['trader']}>
                <MyDeclarationsPage />
              </RequireRole>
            }
          />
          <Route
            path="declarations/:id"
            element={
              <RequireRole roles={['trader']}>
                <TraderDeclarationPage />
              </RequireRole>
            }
          />
          <Route
            path="declarations/:id/amendments/:n"
            element={
              <RequireRole roles={['trader']}>
                <TraderAmendmentPage />
              </RequireRole>
            }
          />
          <Route
            path="risk-profiles"
            element={
              <RequireRole roles={['officer', 'admin']}>
                <RiskProfilesPage />
              </RequireRole>
            }
          />
          <Route
            path="risk-profiles/new"
            element={
              <RequireRole roles={['officer', 'admin']}>
                <NewRiskProfilePage />
              </RequireRole>
            }
          />
          <Route
            path="risk-profiles/:id"
            element={
              <RequireRole roles={['officer', 'admin']}>
                <RiskProfilePage />
              </RequireRole>
            }
          />
          <Route
            path="tariff"
            element={
              <RequireRole roles={['officer', 'admin']}>
                <TariffPage />
              </RequireRole>
            }
          />
          <Route
            path="estimate"
            element={
              <RequireRole roles={['trader']}>
                <DutyEstimatePage />
              </RequireRole>
            }
          />
          <Route path="*" element={<NotFoundPage />} />
        </Routes>
      </main>
    </>
  );
}

/** Pages for some roles only: others are sent to sign in, or told where their pages are. */
function RequireRole({ roles, children }: { roles: readonly Role[]; children: ReactNode }) {
  const { session } = useSession();
  const location = useLocation();
  if (!session) return <Navigate to={`/sign-in?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  if (!roles.includes(session.role)) {
    return (
      <>
        <PageHeading title="Not a page for your role" />
        <p>
          This page is for {roles.map((role) => `${roleNames[role]}s`).join(' and ')}. You are signed in as a {roleNames[session.role]}:{' '}
          <Link to={homeFor(session)}>go to your pages</Link>, or sign out and sign in as someone else.
        </p>
      </>
    );
  }
  return children;
}

function NotFoundPage() {
  const { session } = useSession();
  return (
    <>
      <PageHeading title="Page not found" />
      <p>
        There is no page at this address. <Link to={homeFor(session)}>Go to the start page</Link>.
      </p>
    </>
  );
}
