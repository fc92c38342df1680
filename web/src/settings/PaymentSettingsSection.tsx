import { useState } from 'react';
import { fieldError } from '../payments/Dialog';
import { SettingsForm } from './SettingsBits';
import { useVersionedSettings } from './use-versioned-settings';

interface PaymentSettings {
  cardMode: 'sale' | 'authorize';
  gateway: string;
  connection: { url: string; timeoutMs: number; attempts: number } | null;
  version: number;
}

const MODES = [
  { value: 'sale', label: 'Charge when the order is placed', hint: 'The card is charged at once (a sale).' },
  { value: 'authorize', label: 'Authorize, capture later', hint: 'The money is held on the card and captured from the order page, e.g. when it ships.' },
] as const;

const formatSeconds = (ms: number) => `${(ms / 1000).toLocaleString('en-US', { maximumFractionDigits: 1 })} s`;

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
      <dl className="od-facts st-facts" aria-label="Gateway connection">
        <dt>Connected gateway</dt>
        <dd><span className="badge badge-success">{settings.data?.gateway}</span> <span className="muted">Changed in the server’s configuration (ORDERDECK_GATEWAY_URL).</span></dd>
        {settings.data?.connection && <>
          <dt>Address</dt>
          <dd><code>{settings.data.connection.url}</code></dd>
          <dt>Patience</dt>
          <dd>
            {settings.data.connection.attempts} {settings.data.connection.attempts === 1 ? 'attempt' : 'attempts'} of {formatSeconds(settings.data.connection.timeoutMs)} each,
            {' '}then the payment is left “no answer yet” for recovery to ask again <span className="muted">(ORDERDECK_GATEWAY_ATTEMPTS, ORDERDECK_GATEWAY_TIMEOUT_MS)</span>
          </dd>
        </>}
      </dl>
    </SettingsForm>
  );
}
