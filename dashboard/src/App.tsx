// Routes: the public login and signup pages, and the signed-in pages inside the layout.
import { lazy, Suspense, type ReactNode } from 'react';
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { AuthProvider, useAuth } from './auth/AuthContext';
import { Layout } from './components/Layout';
import { Loading } from './components/States';
import { LiveProvider } from './live/LiveContext';
import { LoginPage } from './pages/LoginPage';
import { SignupPage } from './pages/SignupPage';
import { OverviewPage } from './pages/OverviewPage';
import { ThemeProvider } from './theme/ThemeContext';

const AnomaliesPage = lazy(() => import('./pages/AnomaliesPage'));
const AnomalyDetailPage = lazy(() => import('./pages/AnomalyDetailPage'));
const MetricsPage = lazy(() => import('./pages/MetricsPage'));
const EndpointsPage = lazy(() => import('./pages/EndpointsPage'));
const SensorsPage = lazy(() => import('./pages/SensorsPage'));
const ModelPage = lazy(() => import('./pages/ModelPage'));

function RequireSession({ children }: { children: ReactNode }) {
  const { session } = useAuth();
  const location = useLocation();
  if (!session) return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
  return <>{children}</>;
}

function PublicOnly({ children }: { children: ReactNode }) {
  const { session } = useAuth();
  return session ? <Navigate to="/" replace /> : <>{children}</>;
}

function Page({ children }: { children: ReactNode }) {
  return <Suspense fallback={<Loading label="Loading page…" />}>{children}</Suspense>;
}

export function AppRoutes() {
  return (
    <Routes>
      <Route path="/login" element={<PublicOnly><LoginPage /></PublicOnly>} />
      <Route path="/signup" element={<PublicOnly><SignupPage /></PublicOnly>} />
      <Route element={<RequireSession><LiveProvider><Layout /></LiveProvider></RequireSession>}>
        <Route index element={<OverviewPage />} />
        <Route path="anomalies" element={<Page><AnomaliesPage /></Page>} />
        <Route path="anomalies/:id" element={<Page><AnomalyDetailPage /></Page>} />
        <Route path="metrics" element={<Page><MetricsPage /></Page>} />
        <Route path="endpoints" element={<Page><EndpointsPage /></Page>} />
        <Route path="sensors" element={<Page><SensorsPage /></Page>} />
        <Route path="model" element={<Page><ModelPage /></Page>} />
        <Route path="model-metrics" element={<Navigate to="/model" replace />} />
      </Route>
      <Route path="*" element={<Navigate to="/" replace />} />
    </Routes>
  );
}

export function App() {
  return (
    <ThemeProvider>
      <AuthProvider>
        <BrowserRouter future={{ v7_startTransition: true, v7_relativeSplatPath: true }}>
          <AppRoutes />
        </BrowserRouter>
      </AuthProvider>
    </ThemeProvider>
  );
}
