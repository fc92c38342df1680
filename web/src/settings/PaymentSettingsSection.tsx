import { useState } from 'react';
import { fieldError } from '../payments/Dialog';
import { SettingsForm } from './SettingsBits';
import { useVersionedSettings } from './use-versioned-settings';

interface PaymentSettings { cardMode: 'sale' | 'authorize'; gateway: string; version: number }

const MODES = [
  { value: 'sale', label: 'Charge when the order is placed', hint: 'The card is charged at once (a sale).' },
  { value: 'authorize', label: 'Authorize, capture later', hint: 'The money is held on the card and captured from the order page, e.g. when it ships.' },
] as const;

/** How cards are charged, and which gateway is connected (set where Orderdeck is installed, not here). */
export function PaymentSettingsSection({ readOnly }: { readOnly: boolean }) {
  const settings = useVersionedSettings<PaymentSettings>('/payments/settings');
  return <PaymentSettingsForm key={settings.formKey} settings={settings} readOnly={readOnly} />;
}

function PaymentSettingsForm({ settings, readOnly }: { settings: ReturnType<typeof useVersionedSettings<PaymentSettings>>; readOnly: boolean }) {
  const [cardMode, setCardMode] = useState(settings.data?.cardMode ?? 'sale');
  return (
    <SettingsForm settings={settings} title="Payments" readOnly={readOnly} fields={['/cardMode']}
      description="How a card is charged when an order is placed."
      onSubmit={() => void settings.save({ cardMode })}>
      <fieldset className="st-group">
        <legend>Card payments</legend>
        {MODES.map((m) => (
          <label key={m.value} className="st-radio">
            <input type="radio" name="card-mode" value={m.value} checked={cardMode === m.value} onChange={() => setCardMode(m.value)} />
            <span><strong>{m.label}</strong><span className="field-hint">{m.hint}</span></span>
          </label>
        ))}
        {fieldError(settings.error, '/cardMode') && <span className="field-error">{fieldError(settings.error, '/cardMode')}</span>}
      </fieldset>
      <dl className="od-facts st-facts">
        <dt>Connected gateway</dt>
        <dd><span className="badge badge-success">{settings.data?.gateway}</span> <span className="muted">Changed in the server’s configuration (ORDERDECK_GATEWAY_URL).</span></dd>
      </dl>
    </SettingsForm>
  );
}
