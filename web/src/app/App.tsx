import { lazy, Suspense } from 'react';
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router';
import { LIFE_CYCLE } from './departments';
import { ErrorBoundary } from './ErrorBoundary';
import { Layout } from './Layout';
import { RequirePermission } from './RequirePermission';
import { SessionExpiredDialog } from './SessionExpiredDialog';
import { SessionProvider, useSession } from './session';
import { Loading } from './ui';

// One lazily loaded chunk per area, so the first load carries only the shell and the page opened.
const SignInPage = lazy(() => import('../pages/SignInPage'));
const DashboardPage = lazy(() => import('../pages/DashboardPage'));
const NotFoundPage = lazy(() => import('../pages/NotFoundPage'));
const OrdersSearchPage = lazy(() => import('../orders/OrdersSearchPage'));
const QueuePage = lazy(() => import('../orders/QueuePage'));
const OrderDetailPage = lazy(() => import('../orders/OrderDetailPage'));
const PayPage = lazy(() => import('../pay/PayPage'));
const SettingsPage = lazy(() => import('../settings/SettingsPage'));

function SignedInRoutes() {
  const { pathname } = useLocation();
  return (
    <Layout>
      <ErrorBoundary key={pathname}>
        <Suspense fallback={<Loading />}>
          <Routes>
            <Route path="/" element={<DashboardPage />} />
            <Route path="/orders" element={<RequirePermission permission="orders:view"><OrdersSearchPage mode="all" /></RequirePermission>} />
            <Route path="/review" element={<RequirePermission permission="orders:view"><OrdersSearchPage mode="review" /></RequirePermission>} />
            <Route path="/orders/:orderId" element={<RequirePermission permission="orders:view"><OrderDetailPage /></RequirePermission>} />
            {LIFE_CYCLE.map((department) => (
              <Route key={department.path} path={department.path}
                element={<RequirePermission permission={department.permission}><QueuePage department={department} /></RequirePermission>} />
            ))}
            {/* Each settings section checks its own read permission; saving needs settings:manage. */}
            <Route path="/settings/:section?" element={<SettingsPage />} />
            <Route path="/sign-in" element={<Navigate to="/" replace />} />
            <Route path="*" element={<NotFoundPage />} />
          </Routes>
        </Suspense>
      </ErrorBoundary>
    </Layout>
  );
}

function Gate() {
  const { user, interrupted } = useSession();
  if (user === undefined) return <div className="boot"><Loading label="Opening Orderdeck…" /></div>;
  if (user === null) {
    return (
      <ErrorBoundary>
        <Suspense fallback={<div className="boot"><Loading /></div>}><SignInPage /></Suspense>
      </ErrorBoundary>
    );
  }
  return <><SignedInRoutes />{interrupted && <SessionExpiredDialog />}</>;
}

export function App() {
  return (
    <BrowserRouter>
      <Routes>
        {/* The customer's pay link: public, so outside the session and the sign-in gate. */}
        <Route path="/pay/:token" element={<ErrorBoundary><Suspense fallback={<div className="boot"><Loading /></div>}><PayPage /></Suspense></ErrorBoundary>} />
        <Route path="*" element={<SessionProvider><Gate /></SessionProvider>} />
      </Routes>
    </BrowserRouter>
  );
}
