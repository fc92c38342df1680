import { Navigate, NavLink, useParams } from 'react-router';
import { RequirePermission } from '../app/RequirePermission';
import { useSession } from '../app/session';
import { PageHeader, usePageTitle } from '../app/ui';
import { ArScheduleSection } from './ArScheduleSection';
import { BlockListPanel } from './BlockListPanel';
import { FraudAuditPanel } from './FraudAuditPanel';
import { FraudRulesSection } from './FraudRulesSection';
import { FraudTestForm } from './FraudTestForm';
import { PaymentSettingsSection } from './PaymentSettingsSection';
import { RefundReasonsSection } from './RefundReasonsSection';
import '../orders/orders.css';
import '../payments/payments.css';
import './settings.css';

/** Each settings page and the permission its GET needs; saving any of them needs settings:manage. */
export const SETTINGS_SECTIONS = [
  { key: 'payments', label: 'Payments', permission: 'orders:view' },
  { key: 'ar-schedule', label: 'A/R retry schedule', permission: 'accounts_receivable:view' },
  { key: 'fraud', label: 'Fraud rules', permission: 'fraud_review:view' },
  { key: 'refund-reasons', label: 'Refund reasons', permission: 'orders:view' },
] as const;

function Section({ section, readOnly, can }: { section: string; readOnly: boolean; can: (p: string) => boolean }) {
  switch (section) {
    case 'payments': return <PaymentSettingsSection readOnly={readOnly} />;
    case 'ar-schedule': return <ArScheduleSection readOnly={readOnly} />;
    case 'fraud':
      return (
        <div className="stack">
          <FraudRulesSection readOnly={readOnly} />
          <FraudTestForm />
          <BlockListPanel canEdit={can('fraud_review:act')} />
          <FraudAuditPanel />
        </div>
      );
    default: return <RefundReasonsSection readOnly={readOnly} />;
  }
}

/** Settings: one page per area, tabs between them. Without settings:manage the forms are shown read-only. */
export default function SettingsPage() {
  const { section = '' } = useParams();
  const { can } = useSession();
  const visible = SETTINGS_SECTIONS.filter((s) => can(s.permission));
  const current = SETTINGS_SECTIONS.find((s) => s.key === section);
  usePageTitle(current ? `${current.label} · Settings` : 'Settings');
  if (!current) return visible[0] ? <Navigate to={`/settings/${visible[0].key}`} replace /> : <RequirePermission permission="settings:manage">{null}</RequirePermission>;
  const readOnly = !can('settings:manage');
  return (
    <div className="od-page st-page">
      <PageHeader title="Settings" description="Merchant-wide settings for payments and fraud checks." />
      <nav className="st-tabs" aria-label="Settings sections">
        {visible.map((s) => <NavLink key={s.key} to={`/settings/${s.key}`} className="st-tab">{s.label}</NavLink>)}
      </nav>
      {readOnly && <p className="od-notice" role="note">You can view these settings. Changing them needs the <code>settings:manage</code> permission.</p>}
      <RequirePermission permission={current.permission}>
        <Section key={current.key} section={current.key} readOnly={readOnly} can={can} />
      </RequirePermission>
    </div>
  );
}
