// The frame around every signed-in page: header (brand, live state, user, theme, sign out),
// the navigation, and the page itself. A skip link goes straight to the content.
import { NavLink, Outlet, useNavigate } from 'react-router-dom';
import { useAuth } from '../auth/AuthContext';
import { displayName } from '../auth/session';
import { LiveIndicator } from './LiveIndicator';
import { ThemeToggle } from './ThemeToggle';

const NAV = [
  { to: '/', label: 'Overview', end: true },
  { to: '/anomalies', label: 'Anomalies' },
  { to: '/metrics', label: 'Metrics' },
  { to: '/endpoints', label: 'Endpoints' },
  { to: '/sensors', label: 'Sensors' },
  { to: '/model', label: 'Model' },
];

function Logo() {
  return (
    <svg width="28" height="28" viewBox="0 0 64 64" aria-hidden="true">
      <path d="M32 4 8 13v17c0 15 10 26 24 30 14-4 24-15 24-30V13z" fill="var(--accent)" />
      <path d="m21 32 8 8 15-16" fill="none" stroke="#fff" strokeWidth="5" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}

export function Layout() {
  const { session, logout } = useAuth();
  const navigate = useNavigate();
  return (
    <div className="app">
      <a href="#main" className="skip-link">Skip to content</a>
      <header className="topbar">
        <NavLink to="/" className="brand">
          <Logo />
          <span>
            <span className="brand-name">SecuraFlow</span>
            <span className="brand-sub">Real-time API Security &amp; Monitoring</span>
          </span>
        </NavLink>
        <div className="topbar-right">
          <LiveIndicator />
          <span className="user" data-testid="user-name">
            {displayName(session)}
            <span className="muted small">{session?.guest ? 'Demo mode · read-only' : session?.user.role}</span>
          </span>
          <ThemeToggle />
          <button type="button" className="btn btn-ghost" onClick={() => { logout(); navigate('/login'); }}>
            Sign out
          </button>
        </div>
      </header>
      <div className="body">
        <nav className="sidebar" aria-label="Main">
          <ul>
            {NAV.map((item) => (
              <li key={item.to}>
                <NavLink to={item.to} end={item.end} className={({ isActive }) => (isActive ? 'nav-link active' : 'nav-link')}>
                  {item.label}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <main id="main" className="content" tabIndex={-1}>
          <Outlet />
        </main>
      </div>
    </div>
  );
}
